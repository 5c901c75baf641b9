"""Bad client: asked for a PQ order, places a Market order (breaks final-status-reported)."""

from typing import Any

from base import Client, main


class MarketNotPQ(Client):
    def order_for(self, rate: dict[str, Any]) -> dict[str, Any]:
        order = super().order_for(rate)
        del order["rateId"]
        return {**order, "type": "Market", "timeInForce": "IOC"}


if __name__ == "__main__":
    main(MarketNotPQ)
