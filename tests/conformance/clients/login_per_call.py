"""Bad client: logs in before every call (breaks token-reuse)."""

from typing import Any

from base import Client, main


class LoginPerCall(Client):
    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        self.login()
        return super().call(method, path, body, query)

    def place(self, order: dict[str, Any]) -> dict[str, Any]:
        self.login()
        return super().place(order)


if __name__ == "__main__":
    main(LoginPerCall)
