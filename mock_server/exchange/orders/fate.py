"""An order's fate, decided when it is placed: its natural schedule, fills or rejection, and
the `Fate` a sandbox control may force over it.

"Natural" means what the simulated market makes of it before any sandbox control (a forced
outcome, a delay) reshapes it. PQ orders trade at their quote or are rejected; Market (IOC),
AtBest (FOK) and Limit IOC/FOK take what the touch quotes when the order is worked;
Limit GTC/GTT/DAY and Stop rest on the book and are matched later, as they are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from integral_mock.config import Progression
from integral_mock.errors import BadRequest
from integral_mock.exchange.market.amounts import minor_units, too_precise
from integral_mock.exchange.market.rates import PriceFeed, Quote
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.lifecycle import Schedule, Step, by_polls, retimed
from integral_mock.exchange.orders.matching import Fill, is_resting, take
from integral_mock.exchange.orders.pq import pq_rejection
from integral_mock.exchange.orders.ticket import Ticket

NOT_SIMULATED = frozenset({"StopLimit", "Pegged", "Algo"})
_DAY_MS = 86_400_000


@dataclass(frozen=True)
class Course:
    """The course an order takes: what the market makes of it, or that once controls shaped it."""

    schedule: Schedule
    fills: tuple[Fill, ...] = ()
    reason: str | None = None
    resting: bool = False
    expires_ms: int | None = None


@dataclass(frozen=True)
class Fate:
    """What a control forces on one order; None leaves that part to the order's nature."""

    outcome: str | None = None
    reason: str | None = None
    new_delay_ms: int | None = None  # RECEIVED -> NEW (or the rejection)
    fill_delay_ms: int | None = None  # RECEIVED -> final
    progression: Progression | None = None

    def over(self, below: Fate) -> Fate:
        """This fate, with `below` filling what this one leaves open."""
        mine = {k: v for k, v in self.__dict__.items() if v is not None}
        if self.outcome is not None:  # a reason belongs to the outcome that gave it
            mine.setdefault("reason", None)
        return replace(below, **mine)

    def shape(
        self, natural: Schedule, outcome: dict[str, Any], gap_ms: int, default: Progression
    ) -> tuple[Schedule, dict[str, Any]]:
        """The order's (schedule, final fields) once this fate is applied to its natural ones."""
        schedule = natural
        if self.outcome is not None:
            schedule = _forced(natural, self.outcome, gap_ms)
            outcome = {} if self.outcome == lifecycle.FILLED else {"reason": self.reason}
        if self.new_delay_ms is not None or self.fill_delay_ms is not None:
            schedule = retimed(schedule, self.new_delay_ms, self.fill_delay_ms)
        progression = self.progression or default
        if progression.mode != "time":
            schedule = by_polls(schedule, progression.polls)
        return schedule, outcome


def _forced(natural: Schedule, outcome: str, gap_ms: int) -> Schedule:
    """A plain lifecycle to `outcome`, keeping the natural times where there are any."""
    placed = natural[0].at_ms
    first = natural[1].at_ms if len(natural) > 1 else placed + 1
    final = natural.final.at_ms if natural.final.at_ms > first else first + gap_ms
    return lifecycle.lifecycle(placed, first - placed, final - first, outcome)


def natural_fate(
    order: Ticket,
    feed: PriceFeed,
    quote: Quote | None,
    placed_ms: int,
    new_after_ms: int,
    final_after_ms: int,
    quote_lifetime_ms: int,
) -> Course:
    new_at = placed_ms + max(1, new_after_ms)
    worked_at = new_at + final_after_ms
    kind = order.kind
    if kind in NOT_SIMULATED:
        return _rejected(placed_ms, new_at, f"NOT_SIMULATED: {kind} orders are not simulated")
    unsettleable = _unsettleable(order)
    if unsettleable:  # refused as a stale quote is: accepted, then REJECTED with the reason
        return _rejected(placed_ms, new_at, unsettleable)
    if kind == "PQ":
        reason = pq_rejection(order, quote, placed_ms, quote_lifetime_ms)
        if reason or quote is None:
            return _rejected(placed_ms, new_at, reason or "UNKNOWN_RATE")
        price = quote.offer if order.buys_base else quote.bid
        return _filled(placed_ms, new_at, Fill(worked_at, order.size, price))
    if is_resting(order):
        steps = [Step(placed_ms, lifecycle.RECEIVED), Step(new_at, lifecycle.NEW)]
        return Course(Schedule(steps), resting=True, expires_ms=_expiry(order, placed_ms))
    return _immediate(order, feed, placed_ms, new_at, worked_at)


def _immediate(order: Ticket, feed: PriceFeed, placed: int, new_at: int, at: int) -> Course:
    """IOC (fill what is there) or FOK (all or nothing), now or never, against the touch's
    quoted size: Limit at or better than its price, Market (IOC) and AtBest (FOK) at any price.
    A size past the liquidity is not filled whole, as no venue could."""
    fok = order.time_in_force == "FOK"
    limited = order.kind == "Limit"
    fill = take(order, feed, at, order.size, all_or_none=fok, check_limit=limited)
    if fill is None:
        return _ended(placed, new_at, at, lifecycle.EXPIRED, _unfilled(order))
    if fill.qty == order.size:
        return _filled(placed, new_at, fill)
    steps = [
        Step(placed, lifecycle.RECEIVED),
        Step(new_at, lifecycle.NEW),
        Step(at, lifecycle.PARTIALLY_FILLED),
        Step(at, lifecycle.EXPIRED),
    ]
    reason = "IOC_REMAINDER: the part the market could not fill expired"
    return Course(Schedule(steps), (fill,), reason)


def _unsettleable(order: Ticket) -> str | None:
    """Why no venue could settle the order: a size finer than its currency, a weekend date."""
    if too_precise(order.size, order.currency):
        units, size = minor_units(order.currency), order.fields["size"]
        finer = f"{order.currency} amounts have at most {units} decimals; size {size} has more"
        return f"SIZE_PRECISION: {finer}"
    value_date = order.fields.get("valueDate")
    # The schema let only yyyy-MM-dd through; a past date stays allowed, as Integral's own
    # AtBest example (valueDate 2023-06-15) must work.
    day = dt.date.fromisoformat(value_date) if value_date else None
    if day is not None and day.weekday() >= 5:
        return f"VALUE_DATE: {value_date} is a {day:%A}; FX settles on weekdays"
    return None


def _unfilled(order: Ticket) -> str:
    """Why an immediate order expired with nothing filled."""
    if order.kind == "Limit":
        limit, least = order.fields["price"], order.fields.get("minQty")
        wanted = "the size" if least is None or order.time_in_force == "FOK" else f"minQty {least}"
        return f"NO_MATCH: the market was not at or better than the limit {limit} for {wanted}"
    side = order.quoted_side
    if order.time_in_force == "FOK":
        return f"NO_LIQUIDITY: the {side} quoted less than the size; FOK fills all or none"
    return f"NO_LIQUIDITY: the {side} quoted less than the minQty {order.fields['minQty']}"


def _expiry(order: Ticket, placed_ms: int) -> int | None:
    """GTT: after `expiryTime` seconds; DAY: at the next UTC midnight; GTC: never."""
    tif = order.time_in_force
    if tif == "GTT":
        if (
            "expiryTime" not in order.fields
        ):  # the spec requires it only of Limit GTT; Stop may be GTT
            problem = {"field": "expiryTime", "message": "is required with timeInForce GTT"}
            raise BadRequest("expiryTime is required with timeInForce GTT", fields=[problem])
        return placed_ms + int(order.fields["expiryTime"]) * 1000
    if tif == "DAY":
        return (placed_ms // _DAY_MS + 1) * _DAY_MS
    return None


def _filled(placed: int, new_at: int, fill: Fill) -> Course:
    steps = [
        Step(placed, lifecycle.RECEIVED),
        Step(new_at, lifecycle.NEW),
        Step(fill.at_ms, lifecycle.FILLED),
    ]
    return Course(Schedule(steps), (fill,))


def _ended(placed: int, new_at: int, at: int, status: str, reason: str) -> Course:
    steps = [Step(placed, lifecycle.RECEIVED), Step(new_at, lifecycle.NEW), Step(at, status)]
    return Course(Schedule(steps), reason=reason)


def _rejected(placed: int, new_at: int, reason: str) -> Course:
    steps = [Step(placed, lifecycle.RECEIVED), Step(new_at, lifecycle.REJECTED)]
    return Course(Schedule(steps), reason=reason)
