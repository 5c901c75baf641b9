"""Bad client: never renews; a refused token ends it, order still working (breaks token-renewal)."""

from typing import Any

from base import Answer, Client, main


class GivesUpOn401(Client):
    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        try:
            return super().call(method, path, body, query)
        except Answer as exc:
            if exc.status == 401:
                raise SystemExit("token refused: giving up") from None
            raise

    def login(self) -> None:
        if self.token:  # only a refused token brings base here again: give up instead
            raise Answer(401, None, None)
        super().login()


if __name__ == "__main__":
    main(GivesUpOn401)
