"""An order as the domain reads it: the request parsed once into typed, frozen values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from integral_mock.exchange.market.rates import Pair


def _decimal(value: Any) -> Decimal | None:
    # Through str: a JSON float such as 1.0971678 keeps the digits the client wrote.
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Ticket:
    """One order: the request as accepted (echoed in every answer) and what the domain reads."""

    fields: Mapping[str, Any]
    pair: Pair
    co_id: str
    kind: str  # the order's `type`: Limit, Market, AtBest, Stop, PQ, …
    side: str
    currency: str
    size: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    min_qty: Decimal | None  # no fill smaller than this (or than what is left, if less)
    time_in_force: str | None
    # Whether the order buys the pair's base currency: selling the term currency does too.
    buys_base: bool

    @classmethod
    def parse(cls, request: Mapping[str, Any], pair: Pair) -> Ticket:
        side, currency = request["side"], request["currency"]
        return cls(
            fields=MappingProxyType(dict(request)),
            pair=pair,
            co_id=request["coId"],
            kind=request["type"],
            side=side,
            currency=currency,
            size=Decimal(str(request["size"])),
            price=_decimal(request.get("price")),
            stop_price=_decimal(request.get("stopPrice")),
            min_qty=_decimal(request.get("minQty")),
            time_in_force=request.get("timeInForce"),
            buys_base=(side == "Buy") == (currency == pair.base),
        )

    @property
    def symbol(self) -> str:
        return self.pair.symbol

    @property
    def deals_base(self) -> bool:
        """Whether `size` is in the base currency (else in the term currency)."""
        return self.currency == self.pair.base

    @property
    def quoted_side(self) -> str:
        """Which side of a quote the order hits: 'offer' when it buys the base, else 'bid'."""
        return "offer" if self.buys_base else "bid"

    def as_json(self) -> dict[str, Any]:
        """The request as accepted, for storing and echoing."""
        return dict(self.fields)
