"""Bad client: when a placement times out, sends it again at once without looking it up
(breaks lookup-before-replace; the same coId keeps it from filling twice)."""

import time
from typing import Any

from base import Ambiguous, Client, main


class ReplacesAfterTimeout(Client):
    timeout_s = 0.4

    def place(self, order: dict[str, Any]) -> dict[str, Any]:
        try:
            placed: dict[str, Any] = self.send("POST", "/v2/orders", order)
            return placed
        except Ambiguous:
            time.sleep(0.2)  # a pause, so that only the missing lookup is at fault
            placed = self.send("POST", "/v2/orders", order)
            return placed


if __name__ == "__main__":
    main(ReplacesAfterTimeout)
