"""Bad client: stops polling at NEW and reports FILLED (breaks final-status-reported)."""

import time
from typing import Any

from base import FINAL, Client, main


class StopsAtNew(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        while True:
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL | {"NEW"}:
                # Its other work, while the order fills (test_flaws gives the fill 3 s): only
                # the guess is wrong.
                time.sleep(3.5)
                return {**order, "status": "FILLED"}
            time.sleep(self.poll_s)


if __name__ == "__main__":
    main(StopsAtNew)
