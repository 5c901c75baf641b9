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

from integral_mock.exchange.market.rates import Pair, PriceFeed
from integral_mock.exchange.orders.pq import quoted_side

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


def is_resting(order: dict[str, Any]) -> bool:
    """Whether the order waits on the book for the market to come to it."""
    if order["type"] == "Stop":
        return True
    return order["type"] == "Limit" and order.get("timeInForce") not in IMMEDIATE_TIME_IN_FORCE


def touch_price(order: dict[str, Any], pair: Pair, feed: PriceFeed, at_ms: int) -> Decimal:
    """The price the order would trade at `at_ms`: the offer when it buys the base, else the bid."""
    return _touch(order, pair, feed, at_ms)[0]


def _touch(order: dict[str, Any], pair: Pair, feed: PriceFeed, at_ms: int) -> tuple[Decimal, int]:
    """The price and quoted size (in base) the order would hit at `at_ms`."""
    bid, offer, bid_limit, offer_limit = feed.top_of_book(pair, at_ms)
    if quoted_side(pair, order["side"], order["currency"]) == "offer":
        return offer, offer_limit
    return bid, bid_limit


def _limit_allows(order: dict[str, Any], pair: Pair, price: Decimal) -> bool:
    """A buy of the base fills at or below its limit; a sell at or above."""
    limit = Decimal(str(order["price"]))
    buys_base = quoted_side(pair, order["side"], order["currency"]) == "offer"
    return price <= limit if buys_base else price >= limit


def _in_dealt(order: dict[str, Any], pair: Pair, base_qty: Decimal, price: Decimal) -> Decimal:
    return base_qty if order["currency"] == pair.base else base_qty * price


def take(
    order: dict[str, Any],
    pair: Pair,
    feed: PriceFeed,
    at_ms: int,
    leaves: Decimal,
    *,
    all_or_none: bool,
    check_limit: bool,
) -> Fill | None:
    """What the market gives the order at `at_ms`, up to `leaves` (in the dealt currency)."""
    price, base_limit = _touch(order, pair, feed, at_ms)
    if check_limit and not _limit_allows(order, pair, price):
        return None
    available = _in_dealt(order, pair, Decimal(base_limit), price)
    if all_or_none and available < leaves:
        return None
    return Fill(at_ms, min(leaves, available), price)


def stop_triggered(order: dict[str, Any], pair: Pair, feed: PriceFeed, at_ms: int) -> bool:
    """Whether the Stop's trigger price (bid, offer or mid) has reached its stopPrice."""
    bid, offer, _, _ = feed.top_of_book(pair, at_ms)
    # execFlags is an array (published); its first trigger flag decides, the mid by default.
    flags = [f for f in order.get("execFlags", []) if f in ("BidTrigger", "OfferTrigger")]
    trigger = {"BidTrigger": bid, "OfferTrigger": offer}.get(
        flags[0] if flags else "", (bid + offer) / 2
    )
    stop = Decimal(str(order["stopPrice"]))
    buys_base = quoted_side(pair, order["side"], order["currency"]) == "offer"
    return trigger >= stop if buys_base else trigger <= stop


def grid_points(after_ms: int, until_ms: int) -> Iterator[int]:
    """The grid instants in (after_ms, until_ms]."""
    first = (after_ms // GRID_MS + 1) * GRID_MS
    yield from range(first, until_ms + 1, GRID_MS)
