"""The domain backend: rates, orders and their lifecycle. Knows nothing of HTTP."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from decimal import Decimal
from typing import Any

from faker import Faker

from mock_server import orders
from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.errors import BadRequest, NotFound
from mock_server.fills import fill_fields
from mock_server.orders import Progression, Schedule
from mock_server.outcomes import Fate, Outcomes
from mock_server.polls import PollCounter
from mock_server.pq import pq_rejection, quoted_side
from mock_server.rates import PAIRS, Pair, PriceFeed, QuoteBook
from mock_server.sessions import Principal, Sessions, require_trading
from mock_server.store import Store

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
        pair = self._order_pair(principal, request)
        now = self.now_ms()
        schedule, outcome = self._decide(principal, request, pair, now)
        fate = self.outcomes.decide(principal.org, request, directive)
        gap = self.config.fill_delay_ms
        schedule, outcome = fate.shape(schedule, outcome, gap, self._progression)
        try:
            with self.store.transaction() as db:
                order_id = self._next_order_id(db)
                outcome = self._finish_outcome(order_id, request, pair, schedule, outcome)
                db.execute(
                    "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        order_id,
                        principal.org,
                        request["coId"],
                        principal.user,
                        json.dumps(request),
                        now,
                        json.dumps(schedule.to_json()),
                        json.dumps(outcome),
                    ),
                )
        except sqlite3.IntegrityError:
            raise BadRequest(
                f"coId {request['coId']!r} was already used by org {principal.org}; "
                "query GET /v2/orders?coId= to find that order",
                code="DUPLICATE_COID",
                fields=[{"field": "coId", "message": "already used"}],
            ) from None
        return self._render(self._row(principal, "order_id = ?", order_id), now)

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

    def _decide(
        self, principal: Principal, request: dict[str, Any], pair: Pair, now: int
    ) -> tuple[Schedule, dict[str, Any]]:
        """The order's schedule and what it shows once final (fill fields or a reason)."""
        reason: str | None
        if request["type"] == "PQ":
            quote = self.quotes.find(principal.org, request["rateId"])
            reason = pq_rejection(request, pair, quote, now, self.config.quote_lifetime_ms)
        else:
            reason = f"NOT_SIMULATED: {request['type']} orders are not simulated yet; use PQ"
        outcome = orders.REJECTED if reason else orders.FILLED
        schedule = orders.lifecycle(
            now,
            self._delay(self.config.new_delay_ms),
            self._delay(self.config.fill_delay_ms),
            outcome,
        )
        return schedule, {"reason": reason} if reason else {}

    def _delay(self, base_ms: int) -> int:
        jitter = self.config.delay_jitter_ms
        return max(0, base_ms + self.rng.randint(-jitter, jitter))

    def _finish_outcome(
        self,
        order_id: int,
        request: dict[str, Any],
        pair: Pair,
        schedule: Schedule,
        outcome: dict[str, Any],
    ) -> dict[str, Any]:
        if schedule.final.status != orders.FILLED:
            return outcome
        at_ms = schedule.final.at_ms
        if "price" in request:
            price = Decimal(str(request["price"]))
        else:  # an AtBest order forced to fill: at the market's side when it fills
            bid, offer, _, _ = self.feed.top_of_book(pair, at_ms)
            price = (
                offer if quoted_side(pair, request["side"], request["currency"]) == "offer" else bid
            )
        return fill_fields(order_id, request, pair, price, at_ms, self._counterparty(order_id))

    def _counterparty(self, order_id: int) -> str:
        with self._faker_lock:
            self._faker.seed_instance(self.seed * 1_000_003 + order_id)
            return str(self._faker.company())

    def _next_order_id(self, db: sqlite3.Connection) -> int:
        last = db.execute("SELECT MAX(order_id) FROM orders").fetchone()[0]
        return FIRST_ORDER_ID + self.seed % 1000 * 1_000_000 if last is None else last + 1

    def get_order(self, principal: Principal, order_id: str) -> dict[str, Any]:
        # The spec allows 19 digits; past SQLite's 64-bit range no order can exist.
        if int(order_id) >= 2**63:
            raise NotFound(f"No order {order_id} for org {principal.org}")
        return self._read(self._row(principal, "order_id = ?", int(order_id)))

    def query_order_by_coid(self, principal: Principal, co_id: str) -> dict[str, Any]:
        return self._read(self._row(principal, "co_id = ?", co_id))

    def active_orders(self, principal: Principal) -> list[dict[str, Any]]:
        now = self.now_ms()
        rows = self.store.query(
            "SELECT * FROM orders WHERE org = ? ORDER BY order_id", (principal.org,)
        )
        rendered = (self._read(row, now) for row in rows)
        return [order for order in rendered if order["status"] in orders.ACTIVE]

    def _row(self, principal: Principal, where: str, value: object) -> sqlite3.Row:
        # Filtering by org in the query itself: another org's order is simply not found.
        rows = self.store.query(
            f"SELECT * FROM orders WHERE org = ? AND {where}", (principal.org, value)
        )
        if not rows:
            raise NotFound(f"No order {value} for org {principal.org}")
        return rows[0]

    def _read(self, row: sqlite3.Row, now_ms: int | None = None) -> dict[str, Any]:
        """The order as a client read shows it; the read counts for poll progression."""
        now_ms = self.now_ms() if now_ms is None else now_ms
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        return self._render(row, now_ms, self.polls.read(row["order_id"], schedule, now_ms))

    def orders_of(self, org: str | None = None) -> list[dict[str, Any]]:
        """Any org's orders as they stand (for /__admin/orders); looking is not a poll."""
        where, params = ("WHERE org = ?", (org,)) if org else ("", ())
        rows = self.store.query(f"SELECT * FROM orders {where} ORDER BY order_id", params)
        now = self.now_ms()
        return [self._render(r, now, self.polls.current(r["order_id"])) for r in rows]

    def reseed(self, seed: int) -> None:
        """Restart every random sequence from `seed`; prices follow the new seed at once."""
        self.seed = seed
        self.rng.seed(seed)  # in place: the quote book holds this same source
        self.feed.seed = seed
        self.outcomes.reseed(seed)

    @staticmethod
    def _render(row: sqlite3.Row, now_ms: int, polls: int = 0) -> dict[str, Any]:
        """The order as the API shows it at `now_ms`, after `polls` reads."""
        request = json.loads(row["request"])
        status = Schedule.from_json(json.loads(row["schedule"])).status_at(now_ms, polls)
        order = {
            **request,
            "org": request.get("org", row["org"]),
            "orderId": str(row["order_id"]),
            "userFullName": f"{row['user']}@{row['org']}",
            "action": "place",
            "status": status,
        }
        if status in orders.FINAL:
            order.update(json.loads(row["outcome"]))
        return order
