"""Bad client: places its one order twice, under two coIds (breaks no-double-placement)."""

from typing import Any

from base import Client, main


class PlacesTwice(Client):
    def place(self, order: dict[str, Any]) -> dict[str, Any]:
        first = super().place(order)
        super().place({**order, "coId": f"{order['coId']}-again"})  # a doubled submit
        return first


if __name__ == "__main__":
    main(PlacesTwice)
