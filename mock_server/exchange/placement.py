"""Placing an order: business rules, its natural course, the controls' fate, then the book."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from integral_mock.config import Config, Progression
from integral_mock.errors import BadRequest, Forbidden, NotFound
from integral_mock.exchange.market.data import fixed_period_quote
from integral_mock.exchange.market.rates import Pair, PriceFeed, QuoteBook
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.book import FILL_STATUSES, OrderBook
from integral_mock.exchange.orders.fate import Course, Fate, natural_fate
from integral_mock.exchange.orders.matching import Fill, touch_price
from integral_mock.exchange.orders.stamps import parse_execution_time
from integral_mock.exchange.orders.ticket import Ticket
from integral_mock.exchange.sessions import Principal, require_trading

# What the sandbox controls force on an order: (org, order, what its request headers force).
Decide = Callable[[str, Ticket, Fate | None], Fate]


def nothing_forced(org: str, order: Ticket, directive: Fate | None) -> Fate:
    """The decision of a venue without sandbox controls: what the request asked, if anything."""
    return directive or Fate()


class Placement:
    """The placement pipeline of one venue (POST /v2/orders)."""

    def __init__(
        self,
        config: Config,
        feed: PriceFeed,
        quotes: QuoteBook,
        book: OrderBook,
        pair_for: Callable[[Principal, str], Pair],
        decide: Decide,
        rng: random.Random,
    ) -> None:
        self.config = config
        self.feed = feed
        self.quotes = quotes
        self.book = book
        self.pair_for = pair_for
        self.decide = decide
        self.rng = rng  # the venue's seeded source: delays draw from it
        self.progression = Progression.parse(config.progression)

    def place_order(
        self, principal: Principal, request: dict[str, Any], directive: Fate | None, now_ms: int
    ) -> dict[str, Any]:
        """Check the order's business rules, decide its fate, and store it (202)."""
        require_trading(principal)
        self._check_on_behalf(principal, request)
        if "clientOrderTime" in request:  # the pattern passed; the time must be a real one
            parse_execution_time(request["clientOrderTime"], "clientOrderTime")
        order = Ticket.parse(request, self._order_pair(principal, request))
        # One write transaction: the draws of its delays, a rule it fires and the order itself
        # are stored together or not at all (a refused coId spends no draw and no rule).
        with self.book.store.transaction():
            natural = self._natural(principal, order, now_ms)
            fate = self.decide(principal.org, order, directive)
            course = self._shaped(natural, fate, order)
            row = self.book.insert(principal.org, principal.user, order, now_ms, course)
        return self.book.render(row, now_ms)

    def _check_on_behalf(self, principal: Principal, request: dict[str, Any]) -> None:
        """An order for another org needs a user allowed to act for it (403 otherwise)."""
        target = request.get("org", principal.org)
        if target == principal.org:
            return
        user = self.config.find_user(principal.user, principal.org)
        if user is None or target not in user.on_behalf_of:
            raise Forbidden(f"User {principal.full_name} may not place orders for org {target}")

    def _order_pair(self, principal: Principal, request: dict[str, Any]) -> Pair:
        symbol, currency = request["symbol"], request["currency"]
        try:
            pair = self.pair_for(principal, symbol)
        except NotFound as exc:
            problem = {"field": "symbol", "message": exc.message}
            raise BadRequest(exc.message, fields=[problem]) from None
        if currency not in (pair.base, pair.term):
            message = f"currency {currency} is neither side of {symbol}"
            raise BadRequest(message, fields=[{"field": "currency", "message": message}])
        return pair

    def _natural(self, principal: Principal, order: Ticket, now: int) -> Course:
        quote = None
        if order.kind == "PQ":
            rate_id = order.fields["rateId"]
            quote = self.quotes.find(principal.org, rate_id) or fixed_period_quote(
                self.feed, principal.org, rate_id
            )
        return natural_fate(
            order,
            self.feed,
            quote,
            now,
            self._delay(self.config.new_delay_ms),
            self._delay(self.config.fill_delay_ms),
            self.config.quote_lifetime_ms,
        )

    def _shaped(self, natural: Course, fate: Fate, order: Ticket) -> Course:
        """The order's course once the sandbox controls have had their say."""
        progression = self.progression
        if natural.resting and fate.outcome is None:
            # A resting order moves with the market, which is a matter of time, not of reads.
            fate, progression = replace(fate, progression=None), Progression()
        reasons = {"reason": natural.reason} if natural.reason else {}
        gap = self.config.fill_delay_ms
        schedule, shaped = fate.shape(natural.schedule, reasons, gap, progression)
        if fate.outcome is None:
            at = next((s.at_ms for s in schedule if s.status in FILL_STATUSES), None)
            fills = tuple(replace(f, at_ms=at) for f in natural.fills) if at is not None else ()
            return replace(natural, schedule=schedule, fills=fills)
        if fate.outcome != lifecycle.FILLED:
            return Course(schedule, reason=shaped.get("reason"), expires_ms=natural.expires_ms)
        at = schedule.final.at_ms
        fill = Fill(at, order.size, self._forced_price(order, at))
        return Course(schedule, (fill,), expires_ms=natural.expires_ms)

    def _forced_price(self, order: Ticket, at_ms: int) -> Decimal:
        """A forced fill is at the order's price, or (AtBest) at the market's touch."""
        if order.price is not None:
            return order.price
        return touch_price(order, self.feed, at_ms)

    def _delay(self, base_ms: int) -> int:
        jitter = self.config.delay_jitter_ms
        return max(0, base_ms + self.rng.randint(-jitter, jitter))
