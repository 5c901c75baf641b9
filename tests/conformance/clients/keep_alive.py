"""Good client: one persistent HTTP/1.1 connection (keep-alive), opened again after a failure."""

import http.client
import json
import urllib.parse
import uuid
from typing import Any

from base import Ambiguous, Answer, Client, main


class KeepAlive(Client):
    conn: http.client.HTTPConnection | None = None

    def connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            url = urllib.parse.urlsplit(self.base)
            self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=self.timeout_s)
        return self.conn

    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        headers = {"X-Request-ID": uuid.uuid4().hex, "Accept": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        target = path + (f"?{query}" if query else "")
        if path != "/v2/sso/login":
            self.authenticate(method, target, data, headers)
        try:
            conn = self.connection()
            conn.request(method, target, data, headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            # The connection is in an unknown state: never reuse it.
            self.close()
            raise Ambiguous(type(exc).__name__) from None
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.status >= 400:
            answer = Answer(
                response.status, _json(raw), self.retry_after(response.getheader("Retry-After"))
            )
            if response.status >= 500:
                raise Ambiguous(str(response.status)) from answer
            raise answer
        if path == "/v2/sso/login" or path.endswith("/renew"):
            self.token = response.getheader("SSO_TOKEN")
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise Ambiguous("cut off") from None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


if __name__ == "__main__":
    main(KeepAlive)
