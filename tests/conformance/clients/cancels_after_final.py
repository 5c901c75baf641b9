"""Bad client: cancels its order again and again once it is FILLED (breaks stop-at-final)."""

import time
from typing import Any

from base import Answer, Client, main


class CancelsAfterFinal(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        final = super().poll(order_id)
        for _ in range(5):
            time.sleep(self.poll_s)  # paced: only cancelling a final order is at fault
            try:
                self.send("DELETE", f"/v2/orders/{order_id}")
            except Answer:
                pass  # 400: the order is final, which it already knew
        return final


if __name__ == "__main__":
    main(CancelsAfterFinal)
