"""Bad client: puts its login's credentials in the URL as well (breaks json-requests)."""

import urllib.parse
from typing import Any

from base import Client, main


class PasswordInUrl(Client):
    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        if path == "/v2/sso/login":
            query = urllib.parse.urlencode(self.creds)
        return super().send(method, path, body, query)


if __name__ == "__main__":
    main(PasswordInUrl)
