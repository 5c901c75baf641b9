"""Good client: never logs in; signs every call with HMAC-SHA256 (README "HMAC signing")."""

import base64
import hashlib
import hmac
import os
import time

from base import Client, main


class HmacSigner(Client):
    secret = os.environ.get("INTEGRAL_SECRET", "This is a long secret!")

    def login(self) -> None:
        pass  # a signed call needs no token

    def authenticate(
        self, method: str, target: str, data: bytes | None, headers: dict[str, str]
    ) -> None:
        digest = base64.b64encode(hashlib.sha256(data or b"").digest()).decode()
        headers["type"] = "hmac"
        headers["Date"] = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
        headers["Digest"] = f"SHA-256={digest}"
        text = f"date: {headers['Date']}\ndigest: {headers['Digest']}\n{method} {target} HTTP/1.1"
        mac = hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).digest()
        user = self.creds["user"]
        headers["Authorization"] = (
            f'hmac username="{user}", algorithm="hmac-sha256", '
            f'headers="date digest request-line", signature="{base64.b64encode(mac).decode()}"'
        )


if __name__ == "__main__":
    main(HmacSigner)
