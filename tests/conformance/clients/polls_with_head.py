"""Bad client: HEADs its order 30 times a second, GETs every tenth (breaks poll-interval)."""

import time
from typing import Any

from base import FINAL, Answer, Client, main


class PollsWithHead(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        tries = 0
        while True:
            tries += 1
            if tries % 10:
                try:  # the sandbox refuses HEAD (405); the client does not care
                    self.send("HEAD", f"/v2/orders/{order_id}")
                except Answer:
                    pass
                time.sleep(1 / 30)
                continue
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL:
                return order


if __name__ == "__main__":
    main(PollsWithHead)
