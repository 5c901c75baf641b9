"""Good client: polls at 50 ms, doubling the wait after each read up to a second."""

import time
from typing import Any

from base import FINAL, Client, main


class ExponentialPoller(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        wait = 0.05
        while True:
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL:
                return order
            time.sleep(wait)
            wait = min(wait * 2, 1.0)


if __name__ == "__main__":
    main(ExponentialPoller)
