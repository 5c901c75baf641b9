"""The domain backend: rates, orders and their lifecycle. Knows nothing of HTTP."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any

from faker import Faker
from integral_mock.clock import Clock
from integral_mock.config import Config
from integral_mock.errors import BadRequest, Forbidden, NotFound
from integral_mock.exchange.market.data import MarketData, fixed_period_quote
from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed, QuoteBook
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.book import FILL_STATUSES, OrderBook
from integral_mock.exchange.orders.fate import NaturalFate, natural_fate
from integral_mock.exchange.orders.lifecycle import Progression, Schedule
from integral_mock.exchange.orders.matching import Fill, touch_price
from integral_mock.exchange.orders.polls import PollCounter
from integral_mock.exchange.orders.trades import TradeDesk
from integral_mock.exchange.sessions import Principal, Sessions, require_trading
from integral_mock.sandbox.outcomes import Fate, Outcomes
from integral_mock.store import Store

FIRST_ORDER_ID = 4_000_000_001


class Exchange:
    """One simulated venue: its sessions, price feed, quotes and order book."""

    def __init__(self, config: Config, clock: Clock, store: Store) -> None:
        self.config = config
        self.clock = clock
        self.store = store
        # One seeded source for everything random, so a seed replays a run exactly.
        self.seed = config.seed  # POST /__admin/seed changes it; config stays as started
        self.rng = random.Random(config.seed)
        self.feed = PriceFeed(config.seed)
        self.outcomes = Outcomes(config)
        self.polls = PollCounter(store)
        self._progression = Progression.parse(config.progression)
        self.quotes = QuoteBook(store, self.feed, self.rng)
        self.sessions = Sessions(config, store)
        self.book = OrderBook(store, self.feed, self.polls, self._counterparty)
        self.market = MarketData(self.quotes, self.pair_for)
        self.trades = TradeDesk(store, self.book)
        self._faker = Faker()
        self._faker_lock = threading.Lock()

    def now_ms(self) -> int:
        return self.clock.now_ms()

    # -- market data ---------------------------------------------------------------------

    def pair_for(self, principal: Principal, symbol: str) -> Pair:
        """The pair `symbol` if this sandbox prices it and the org is provisioned for it."""
        pair = PAIRS.get(symbol)
        org = self.config.find_org(principal.org)
        provisioned = org is not None and (not org.symbols or symbol in org.symbols)
        if pair is None or not provisioned:
            raise NotFound(
                f"{symbol} is not provisioned for org {principal.org}", code="UNKNOWN_SYMBOL"
            )
        return pair

    def get_spot_rate(self, principal: Principal, symbol: str) -> dict[str, object]:
        pair = self.pair_for(principal, symbol)
        return self.quotes.issue(principal.org, pair, self.now_ms()).as_json()

    # -- orders --------------------------------------------------------------------------

    def place_order(
        self, principal: Principal, request: dict[str, Any], directive: Fate | None = None
    ) -> dict[str, Any]:
        """Validate the order's business rules, decide its fate, and store it (202).

        `directive` is what the caller's X-Sandbox-* headers force; coId prefixes, outcome
        rules and the reject rate are looked up here.
        """
        require_trading(principal)
        self._check_on_behalf(principal, request)
        pair = self._order_pair(principal, request)
        now = self.now_ms()
        natural = self._natural(principal, request, pair, now)
        fate = self.outcomes.decide(principal.org, request, directive)
        schedule, fills, reason, resting = self._shaped(natural, fate, request, pair)
        try:
            with self.store.transaction() as db:
                order_id = self._next_order_id(db)
                db.execute(
                    "INSERT INTO orders (order_id, org, co_id, user, request, placed_ms, "
                    "schedule, reason, fills, resting, checked_ms, expires_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        order_id,
                        principal.org,
                        request["coId"],
                        principal.user,
                        json.dumps(request),
                        now,
                        json.dumps(schedule.to_json()),
                        reason,
                        json.dumps([f.to_json() for f in fills]),
                        int(resting),
                        now,
                        natural.expires_ms,
                    ),
                )
        except sqlite3.IntegrityError:
            raise BadRequest(
                f"coId {request['coId']!r} was already used by org {principal.org}; "
                "query GET /v2/orders?coId= to find that order",
                code="DUPLICATE_COID",
                fields=[{"field": "coId", "message": "already used"}],
            ) from None
        return self.book.render(self.book.row(principal.org, "order_id = ?", order_id), now)

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

    def _natural(
        self, principal: Principal, request: dict[str, Any], pair: Pair, now: int
    ) -> NaturalFate:
        quote = None
        if request["type"] == "PQ":
            rate_id = request["rateId"]
            quote = self.quotes.find(principal.org, rate_id) or fixed_period_quote(
                self.feed, principal.org, rate_id
            )
        return natural_fate(
            request,
            pair,
            self.feed,
            quote,
            now,
            self._delay(self.config.new_delay_ms),
            self._delay(self.config.fill_delay_ms),
            self.config.quote_lifetime_ms,
        )

    def _shaped(
        self, natural: NaturalFate, fate: Fate, request: dict[str, Any], pair: Pair
    ) -> tuple[Schedule, list[Fill], str | None, bool]:
        """(schedule, fills, reason, resting) once the sandbox controls have had their say."""
        progression = self._progression
        if natural.resting and fate.outcome is None:
            # A resting order moves with the market, which is a matter of time, not of reads.
            fate, progression = replace(fate, progression=None), Progression()
        reasons = {"reason": natural.reason} if natural.reason else {}
        gap = self.config.fill_delay_ms
        schedule, shaped = fate.shape(natural.schedule, reasons, gap, progression)
        if fate.outcome is None:
            at = next((s.at_ms for s in schedule if s.status in FILL_STATUSES), None)
            fills = [replace(f, at_ms=at) for f in natural.fills] if at is not None else []
            return schedule, fills, natural.reason, natural.resting
        if fate.outcome != lifecycle.FILLED:
            return schedule, [], shaped.get("reason"), False
        at = schedule.final.at_ms
        size = Decimal(str(request["size"]))
        return schedule, [Fill(at, size, self._forced_price(request, pair, at))], None, False

    def _forced_price(self, request: dict[str, Any], pair: Pair, at_ms: int) -> Decimal:
        """A forced fill is at the order's price, or (AtBest) at the market's touch."""
        if "price" in request:
            return Decimal(str(request["price"]))
        return touch_price(request, pair, self.feed, at_ms)

    def _delay(self, base_ms: int) -> int:
        jitter = self.config.delay_jitter_ms
        return max(0, base_ms + self.rng.randint(-jitter, jitter))

    def _counterparty(self, order_id: int) -> str:
        with self._faker_lock:
            self._faker.seed_instance(self.seed * 1_000_003 + order_id)
            return str(self._faker.company())

    def _next_order_id(self, db: sqlite3.Connection) -> int:
        last = db.execute("SELECT MAX(order_id) FROM orders").fetchone()[0]
        return FIRST_ORDER_ID + self.seed % 1000 * 1_000_000 if last is None else last + 1

    def _by_id(self, principal: Principal, order_id: str) -> sqlite3.Row:
        # The spec allows 19 digits; past SQLite's 64-bit range no order can exist.
        if int(order_id) >= 2**63:
            raise NotFound(f"No order {order_id} for org {principal.org}")
        return self.book.row(principal.org, "order_id = ?", int(order_id))

    def get_order(self, principal: Principal, order_id: str) -> dict[str, Any]:
        return self.book.read(self._by_id(principal, order_id), self.now_ms())

    def query_order_by_coid(self, principal: Principal, co_id: str) -> dict[str, Any]:
        return self.book.read(self.book.row(principal.org, "co_id = ?", co_id), self.now_ms())

    def active_orders(self, principal: Principal) -> list[dict[str, Any]]:
        now = self.now_ms()
        rendered = (self.book.read(row, now) for row in self.book.rows(principal.org))
        return [order for order in rendered if order["status"] in lifecycle.ACTIVE]

    def cancel_order(self, principal: Principal, order_id: str) -> None:
        require_trading(principal)
        self.book.cancel(self._by_id(principal, order_id), self.now_ms(), principal.full_name)

    def cancel_all_orders(self, principal: Principal) -> int:
        """Cancel every active order of the caller's org; how many were cancelled."""
        require_trading(principal)
        cancelled = 0
        for order in self.active_orders(principal):
            row = self.book.row(principal.org, "order_id = ?", int(order["orderId"]))
            try:
                self.book.cancel(row, self.now_ms(), principal.full_name)
            except BadRequest as exc:
                if exc.code != "ORDER_FINAL":
                    raise
                continue  # it filled or expired since the list was read: nothing to cancel
            cancelled += 1
        return cancelled

    def orders_of(self, org: str | None = None) -> list[dict[str, Any]]:
        """Any org's orders as they stand (for /__admin/orders); looking is not a poll."""
        now = self.now_ms()
        return [self.book.read(r, now, count_poll=False) for r in self.book.rows(org)]

    def reseed(self, seed: int) -> None:
        """Restart every random sequence from `seed`; prices follow the new seed at once."""
        self.seed = seed
        self.rng.seed(seed)  # in place: the quote book holds this same source
        self.feed.seed = seed
        self.outcomes.reseed(seed)
