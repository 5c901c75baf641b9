"""Bad client: waits for its fill by reading the trade download every 10 ms, a hundred empty
answers a second (breaks poll-interval)."""

import time
from typing import Any

from base import Client, main


class HammersTradeDownload(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        while True:
            batch: list[dict[str, Any]] = self.call("GET", "/v2/trades/stp/messages")
            if any(t.get("orderId") == order_id for t in batch):
                return super().poll(order_id)  # one read: FILLED
            time.sleep(0.01)


if __name__ == "__main__":
    main(HammersTradeDownload)
