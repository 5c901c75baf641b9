"""Good client: polls slowly and logs in again (never renews) as its token nears expiryTime."""

import time
from typing import Any

from base import Client, main


class RelogsBeforeExpiry(Client):
    poll_s = 1.2  # slow, so that there are few calls per login: still reuse, not a storm
    expires = 0.0

    def login(self) -> None:
        started = time.time()
        answer = self.send("POST", "/v2/sso/login", self.creds)
        self.expires = started + (answer["expiryTime"] - answer["serverUTCTime"]) / 1000

    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        if time.time() > self.expires - 0.3:
            self.login()
        return super().call(method, path, body, query)


if __name__ == "__main__":
    main(RelogsBeforeExpiry)
