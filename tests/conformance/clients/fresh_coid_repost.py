"""Bad client: after a lost answer, places again with a fresh coId (breaks no-double-placement)."""

import time
import uuid
from typing import Any

from base import Ambiguous, Client, main


class FreshCoIdRepost(Client):
    def place(self, order: dict[str, Any]) -> dict[str, Any]:
        try:
            placed: dict[str, Any] = self.send("POST", "/v2/orders", order)
            return placed
        except Ambiguous:
            time.sleep(0.2)  # a pause, so that only the missing lookup is at fault
            again = {**order, "coId": f"c-{uuid.uuid4().hex[:16]}"}
            placed = self.send("POST", "/v2/orders", again)
            return placed


if __name__ == "__main__":
    main(FreshCoIdRepost)
