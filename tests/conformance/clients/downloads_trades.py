"""Good client: once its order FILLED, downloads its trades (the tutorials' STP workflow)."""

from typing import Any

from base import FINAL, Client, main


class DownloadsTrades(Client):
    def run(self) -> int:
        self.login()
        placed = self.place(self.order_for(self.quote()))
        final = placed if placed["status"] in FINAL else self.poll(placed["orderId"])
        if final["status"] == "FILLED":
            batch: list[Any] = [None]
            while batch:  # a read consumes what it returns: read until an empty batch
                batch = self.call("GET", "/v2/trades/stp/messages", query="maxCount=50")
                print("trades", [(t["tradeId"], t["status"]) for t in batch], flush=True)
        return 0 if final["status"] == "FILLED" else 1


if __name__ == "__main__":
    main(DownloadsTrades)
