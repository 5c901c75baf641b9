"""Good client: polls the active list (GET /v2/orders) until its order leaves it, then reads
it once by coId for its final status."""

import time
from typing import Any

from base import Client, main


class PollsActiveList(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        while True:
            active: list[dict[str, Any]] = self.call("GET", "/v2/orders")
            mine = [o for o in active if o.get("orderId") == order_id]
            if not mine:  # no longer active: final, and one read says how it ended
                found: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
                return found
            time.sleep(self.poll_s)


if __name__ == "__main__":
    main(PollsActiveList)
