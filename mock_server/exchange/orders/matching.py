"""How orders other than PQ meet the simulated market: when they fill, at what price, how much.

Everything here is a pure function of the order and the seeded price feed, so the fate of an
order is the same whoever asks and whenever. Resting orders are checked on a fixed one-second
grid (aligned to the epoch, not to reads), which keeps their fills independent of polling.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.exchange.market.rates import PriceFeed
from integral_mock.exchange.orders.ticket import Ticket

GRID_MS = 1000
# Order types whose fate is decided at once; Limit GTC/GTT/DAY and Stop rest on the book.
IMMEDIATE_TIME_IN_FORCE = frozenset({"IOC", "FOK"})


@dataclass(frozen=True)
class Fill:
    """Part (or all) of an order executed at one moment and price."""

    at_ms: int
    qty: Decimal
    price: Decimal

    def to_json(self) -> list[object]:
        return [self.at_ms, str(self.qty), str(self.price)]

    @classmethod
    def from_json(cls, data: list[Any]) -> Fill:
        return cls(int(data[0]), Decimal(data[1]), Decimal(data[2]))


def is_resting(order: Ticket) -> bool:
    """Whether the order waits on the book for the market to come to it."""
    if order.kind == "Stop":
        return True
    return order.kind == "Limit" and order.time_in_force not in IMMEDIATE_TIME_IN_FORCE


def touch_price(order: Ticket, feed: PriceFeed, at_ms: int) -> Decimal:
    """The price the order would trade at `at_ms`: the offer when it buys the base, else the bid."""
    return _touch(order, feed, at_ms)[0]


def _touch(order: Ticket, feed: PriceFeed, at_ms: int) -> tuple[Decimal, int]:
    """The price and quoted size (in base) the order would hit at `at_ms`."""
    bid, offer, bid_limit, offer_limit = feed.top_of_book(order.pair, at_ms)
    return (offer, offer_limit) if order.buys_base else (bid, bid_limit)


def _limit_allows(order: Ticket, price: Decimal) -> bool:
    """A buy of the base fills at or below its limit; a sell at or above."""
    assert order.price is not None  # the spec requires a price of every type that checks one
    return price <= order.price if order.buys_base else price >= order.price


def _in_dealt(order: Ticket, base_qty: Decimal, price: Decimal) -> Decimal:
    return base_qty if order.deals_base else base_qty * price


def take(
    order: Ticket,
    feed: PriceFeed,
    at_ms: int,
    leaves: Decimal,
    *,
    all_or_none: bool,
    check_limit: bool,
) -> Fill | None:
    """What the market gives the order at `at_ms`, up to `leaves` (in the dealt currency)."""
    price, base_limit = _touch(order, feed, at_ms)
    if check_limit and not _limit_allows(order, price):
        return None
    available = _in_dealt(order, Decimal(base_limit), price)
    if all_or_none and available < leaves:
        return None
    qty = min(leaves, available)
    if order.min_qty is not None and qty < min(order.min_qty, leaves):
        return None  # minQty: a smaller fill is none at all
    return Fill(at_ms, qty, price)


def stop_triggered(order: Ticket, feed: PriceFeed, at_ms: int) -> bool:
    """Whether the Stop's trigger price (bid, offer or mid) has reached its stopPrice."""
    bid, offer, _, _ = feed.top_of_book(order.pair, at_ms)
    # execFlags is an array (published); its first trigger flag decides, MidTrigger included
    # (["MidTrigger", "BidTrigger"] is the mid), and the mid by default.
    prices = {"BidTrigger": bid, "OfferTrigger": offer, "MidTrigger": (bid + offer) / 2}
    flags = [f for f in order.fields.get("execFlags", []) if f in prices]
    trigger = prices[flags[0] if flags else "MidTrigger"]
    stop = order.stop_price
    assert stop is not None  # the spec requires stopPrice of a Stop
    return trigger >= stop if order.buys_base else trigger <= stop


def grid_points(after_ms: int, until_ms: int) -> Iterator[int]:
    """The grid instants in (after_ms, until_ms]."""
    first = (after_ms // GRID_MS + 1) * GRID_MS
    yield from range(first, until_ms + 1, GRID_MS)
