"""Good client: confirms its fill by the order's trades (GET /v2/orders/{id}/trades), not by
its status; it reads the order itself only when no trade came (to learn why)."""

import time
from typing import Any

from base import FINAL, Client, main


class ConfirmsByTrades(Client):
    def run(self) -> int:
        self.login()
        placed = self.place(self.order_for(self.quote()))
        order_id = placed["orderId"]
        for _ in range(10):
            trades: list[dict[str, Any]] = self.call("GET", f"/v2/orders/{order_id}/trades")
            if sum(float(t["dealtAmount"]) for t in trades) >= self.size:
                print("order", order_id, "traded", [t["tradeId"] for t in trades], flush=True)
                return 0
            time.sleep(self.poll_s)
        final = placed if placed["status"] in FINAL else self.poll(order_id)
        print("order", order_id, final["status"], flush=True)
        return 0 if final["status"] == "FILLED" else 1


if __name__ == "__main__":
    main(ConfirmsByTrades)
