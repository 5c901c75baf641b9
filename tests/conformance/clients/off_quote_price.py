"""Bad client: places its PQ order a pip off the quoted price (breaks fresh-quote)."""

from typing import Any

from base import Client, main


class OffQuotePrice(Client):
    def order_for(self, rate: dict[str, Any]) -> dict[str, Any]:
        order = super().order_for(rate)
        return {**order, "price": round(order["price"] + 0.0001, 5)}


if __name__ == "__main__":
    main(OffQuotePrice)
