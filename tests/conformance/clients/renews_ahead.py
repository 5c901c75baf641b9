"""Good client: renews its token (GET /v2/sso/token/renew) once half its life is gone."""

import time
from typing import Any

from base import Client, main


class RenewsAhead(Client):
    poll_s = 0.3
    renew_at = 0.0

    def _keep(self, answer: dict[str, Any], started: float) -> None:
        life_s = (answer["expiryTime"] - answer["serverUTCTime"]) / 1000
        self.renew_at = started + life_s / 2

    def login(self) -> None:
        started = time.time()
        self._keep(self.send("POST", "/v2/sso/login", self.creds), started)

    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        if time.time() >= self.renew_at:
            started = time.time()
            self._keep(self.send("GET", "/v2/sso/token/renew"), started)
        return super().call(method, path, body, query)


if __name__ == "__main__":
    main(RenewsAhead)
