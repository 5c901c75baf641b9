"""Bad client: stops polling at NEW and reports FILLED (breaks final-status-reported)."""

import time
from typing import Any

from base import FINAL, Client, main


class StopsAtNew(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        while True:
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL | {"NEW"}:
                time.sleep(1.5)  # its other work, while the order fills: only the guess is wrong
                return {**order, "status": "FILLED"}
            time.sleep(self.poll_s)


if __name__ == "__main__":
    main(StopsAtNew)
