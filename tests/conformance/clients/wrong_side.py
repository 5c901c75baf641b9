"""Bad client: asked to buy, it sells (at the quoted bid; breaks final-status-reported)."""

from typing import Any

from base import Client, main


class WrongSide(Client):
    def order_for(self, rate: dict[str, Any]) -> dict[str, Any]:
        self.side = "Sell" if self.side == "Buy" else "Buy"
        return super().order_for(rate)


if __name__ == "__main__":
    main(WrongSide)
