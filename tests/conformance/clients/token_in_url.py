"""Bad client: also puts its token in the URL of every call (breaks json-requests)."""

from typing import Any

from base import Client, main


class TokenInUrl(Client):
    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        if self.token and path != "/v2/sso/login":
            query = "&".join(q for q in (query, f"SSO_TOKEN={self.token}") if q)
        return super().send(method, path, body, query)


if __name__ == "__main__":
    main(TokenInUrl)
