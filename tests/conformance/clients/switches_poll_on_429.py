"""Bad client: a 429 on its poll by orderId, it polls by coId at once (breaks retry-after)."""

import time
from typing import Any

from base import FINAL, Answer, Client, main


class SwitchesPollOn429(Client):
    def run(self) -> int:
        self.login()
        order = self.order_for(self.quote())
        placed = self.place(order)
        path, query = f"/v2/orders/{placed['orderId']}", ""
        while True:
            try:
                found: dict[str, Any] = self.send("GET", path, query=query)
            except Answer as exc:
                if exc.status != 429:
                    raise
                # Another way to read the same order: as if Retry-After were about a URL.
                path, query = "/v2/orders", f"coId={order['coId']}"
                continue
            if found["status"] in FINAL:
                return 0 if found["status"] == "FILLED" else 1
            time.sleep(self.poll_s)


if __name__ == "__main__":
    main(SwitchesPollOn429)
