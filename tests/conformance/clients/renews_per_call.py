"""Bad client: renews its token before every call, a fresh token thrown away each time
(breaks token-reuse, as a login per call does)."""

from typing import Any

from base import Client, main


class RenewsPerCall(Client):
    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        self.send("GET", "/v2/sso/token/renew")
        return super().call(method, path, body, query)


if __name__ == "__main__":
    main(RenewsPerCall)
