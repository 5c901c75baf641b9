"""An order's natural fate, decided when it is placed: its schedule, fills or rejection.

"Natural" means what the simulated market makes of it before any sandbox control (a forced
outcome, a delay) reshapes it. PQ orders trade at their quote or are rejected; Market and
AtBest fill at the touch; Limit IOC/FOK take what the market gives when the order is worked;
Limit GTC/GTT/DAY and Stop rest on the book and are matched later, as they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.errors import BadRequest
from integral_mock.exchange.market.rates import Pair, PriceFeed, Quote
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.lifecycle import Schedule, Step
from integral_mock.exchange.orders.matching import Fill, is_resting, take, touch_price
from integral_mock.exchange.orders.pq import pq_rejection, quoted_side

NOT_SIMULATED = frozenset({"StopLimit", "Pegged", "Algo"})
_DAY_MS = 86_400_000


@dataclass(frozen=True)
class NaturalFate:
    """What the market makes of an order, before sandbox controls."""

    schedule: Schedule
    fills: tuple[Fill, ...] = ()
    reason: str | None = None
    resting: bool = False
    expires_ms: int | None = None


def natural_fate(
    order: dict[str, Any],
    pair: Pair,
    feed: PriceFeed,
    quote: Quote | None,
    placed_ms: int,
    new_after_ms: int,
    final_after_ms: int,
    quote_lifetime_ms: int,
) -> NaturalFate:
    new_at = placed_ms + max(1, new_after_ms)
    worked_at = new_at + final_after_ms
    kind = order["type"]
    if kind in NOT_SIMULATED:
        return _rejected(placed_ms, new_at, f"NOT_SIMULATED: {kind} orders are not simulated")
    if kind == "PQ":
        reason = pq_rejection(order, pair, quote, placed_ms, quote_lifetime_ms)
        if reason or quote is None:
            return _rejected(placed_ms, new_at, reason or "UNKNOWN_RATE")
        side = quoted_side(pair, order["side"], order["currency"])
        price = quote.offer if side == "offer" else quote.bid
        return _filled(placed_ms, new_at, Fill(worked_at, _size(order), price))
    if is_resting(order):
        steps = [Step(placed_ms, lifecycle.RECEIVED), Step(new_at, lifecycle.NEW)]
        return NaturalFate(Schedule(steps), resting=True, expires_ms=_expiry(order, placed_ms))
    if kind in ("Market", "AtBest"):
        # The whole size fills at the touch: the sandbox does not walk deeper levels.
        price = touch_price(order, pair, feed, worked_at)
        return _filled(placed_ms, new_at, Fill(worked_at, _size(order), price))
    return _immediate_limit(order, pair, feed, placed_ms, new_at, worked_at)


def _immediate_limit(
    order: dict[str, Any], pair: Pair, feed: PriceFeed, placed: int, new_at: int, at: int
) -> NaturalFate:
    """Limit IOC (fill what is there) or FOK (all or nothing), now or never."""
    fok = order.get("timeInForce") == "FOK"
    fill = take(order, pair, feed, at, _size(order), all_or_none=fok, check_limit=True)
    if fill is None:
        limit = order["price"]
        reason = f"NO_MATCH: the market was not at or better than the limit {limit} for the size"
        return _ended(placed, new_at, at, lifecycle.EXPIRED, reason)
    if fill.qty == _size(order):
        return _filled(placed, new_at, fill)
    steps = [
        Step(placed, lifecycle.RECEIVED),
        Step(new_at, lifecycle.NEW),
        Step(at, lifecycle.PARTIALLY_FILLED),
        Step(at, lifecycle.EXPIRED),
    ]
    reason = "IOC_REMAINDER: the part the market could not fill expired"
    return NaturalFate(Schedule(steps), (fill,), reason)


def _expiry(order: dict[str, Any], placed_ms: int) -> int | None:
    """GTT: after `expiryTime` seconds; DAY: at the next UTC midnight; GTC: never."""
    tif = order.get("timeInForce")
    if tif == "GTT":
        if "expiryTime" not in order:  # the spec requires it only of Limit GTT; Stop may be GTT
            problem = {"field": "expiryTime", "message": "is required with timeInForce GTT"}
            raise BadRequest("expiryTime is required with timeInForce GTT", fields=[problem])
        return placed_ms + int(order["expiryTime"]) * 1000
    if tif == "DAY":
        return (placed_ms // _DAY_MS + 1) * _DAY_MS
    return None


def _size(order: dict[str, Any]) -> Decimal:
    return Decimal(str(order["size"]))


def _filled(placed: int, new_at: int, fill: Fill) -> NaturalFate:
    steps = [
        Step(placed, lifecycle.RECEIVED),
        Step(new_at, lifecycle.NEW),
        Step(fill.at_ms, lifecycle.FILLED),
    ]
    return NaturalFate(Schedule(steps), (fill,))


def _ended(placed: int, new_at: int, at: int, status: str, reason: str) -> NaturalFate:
    steps = [Step(placed, lifecycle.RECEIVED), Step(new_at, lifecycle.NEW), Step(at, status)]
    return NaturalFate(Schedule(steps), reason=reason)


def _rejected(placed: int, new_at: int, reason: str) -> NaturalFate:
    steps = [Step(placed, lifecycle.RECEIVED), Step(new_at, lifecycle.REJECTED)]
    return NaturalFate(Schedule(steps), reason=reason)
