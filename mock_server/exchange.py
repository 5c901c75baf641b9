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
from mock_server.orders import Schedule
from mock_server.pq import pq_rejection
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
        self.rng = random.Random(config.seed)
        self.feed = PriceFeed(config.seed)
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

    def place_order(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        """Validate the order's business rules, decide its fate, and store it (202)."""
        require_trading(principal)
        pair = self._order_pair(principal, request)
        now = self.now_ms()
        schedule, outcome = self._decide(principal, request, pair, now)
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
        price = Decimal(str(request["price"]))
        return fill_fields(
            order_id, request, pair, price, schedule.final.at_ms, self._counterparty(order_id)
        )

    def _counterparty(self, order_id: int) -> str:
        with self._faker_lock:
            self._faker.seed_instance(self.config.seed * 1_000_003 + order_id)
            return str(self._faker.company())

    def _next_order_id(self, db: sqlite3.Connection) -> int:
        last = db.execute("SELECT MAX(order_id) FROM orders").fetchone()[0]
        return FIRST_ORDER_ID + self.config.seed % 1000 * 1_000_000 if last is None else last + 1

    def get_order(self, principal: Principal, order_id: str) -> dict[str, Any]:
        # The spec allows 19 digits; past SQLite's 64-bit range no order can exist.
        if int(order_id) >= 2**63:
            raise NotFound(f"No order {order_id} for org {principal.org}")
        return self._render(self._row(principal, "order_id = ?", int(order_id)), self.now_ms())

    def query_order_by_coid(self, principal: Principal, co_id: str) -> dict[str, Any]:
        return self._render(self._row(principal, "co_id = ?", co_id), self.now_ms())

    def active_orders(self, principal: Principal) -> list[dict[str, Any]]:
        now = self.now_ms()
        rows = self.store.query(
            "SELECT * FROM orders WHERE org = ? ORDER BY order_id", (principal.org,)
        )
        rendered = (self._render(row, now) for row in rows)
        return [order for order in rendered if order["status"] in orders.ACTIVE]

    def _row(self, principal: Principal, where: str, value: object) -> sqlite3.Row:
        # Filtering by org in the query itself: another org's order is simply not found.
        rows = self.store.query(
            f"SELECT * FROM orders WHERE org = ? AND {where}", (principal.org, value)
        )
        if not rows:
            raise NotFound(f"No order {value} for org {principal.org}")
        return rows[0]

    @staticmethod
    def _render(row: sqlite3.Row, now_ms: int) -> dict[str, Any]:
        """The order as the API shows it at `now_ms`."""
        request = json.loads(row["request"])
        status = Schedule.from_json(json.loads(row["schedule"])).status_at(now_ms)
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
