"""Good client: polls on a fixed 10 Hz timer (setInterval(poll, 100)): 10 reads a second."""

import time
from typing import Any

from base import FINAL, Client, main


class PollsAtTenHz(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        start, ticks = time.monotonic(), 0
        while True:
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL:
                return order
            ticks += 1
            late = time.monotonic() - (start + ticks * 0.1)
            if late > 0.02:  # as a timer does, skip a missed tick rather than fire twice
                start, ticks = time.monotonic() - 0.1, 1
            time.sleep(max(start + ticks * 0.1 - time.monotonic(), 0))


if __name__ == "__main__":
    main(PollsAtTenHz)
