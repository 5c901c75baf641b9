"""The domain's façade: one simulated venue, one method per Integral operation. Knows no HTTP."""

from __future__ import annotations

import json
from typing import Any

from integral_mock.clock import Clock
from integral_mock.config import Config
from integral_mock.errors import NotFound
from integral_mock.exchange.hmac_replay import ReplayGuard
from integral_mock.exchange.market.data import MarketDesk
from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed, QuoteBook
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.book import OrderBook
from integral_mock.exchange.orders.booked_trades import BookedTrades
from integral_mock.exchange.orders.counterparties import Counterparties
from integral_mock.exchange.orders.fate import Fate
from integral_mock.exchange.orders.lists import DEFAULT_PAGE, OrderLists
from integral_mock.exchange.orders.polls import PollCounter
from integral_mock.exchange.orders.trades import TradeDesk
from integral_mock.exchange.placement import Decide, Placement, nothing_forced
from integral_mock.exchange.positions import positions_of
from integral_mock.exchange.seeding import Seed, StoredRandom
from integral_mock.exchange.sessions import Principal, Sessions, Token, require_trading
from integral_mock.store import Store


class Venue:
    """One simulated venue: its sessions, price feed, quotes, order book and trade desk.

    `decide` is what the sandbox controls force on an order (sandbox/outcomes.py hands it
    in); without controls, an order takes its natural course. `seed` is the stored seed the
    app shares with the controls' streams; a venue alone makes its own from the config.
    """

    def __init__(
        self,
        config: Config,
        clock: Clock,
        store: Store,
        decide: Decide = nothing_forced,
        seed: Seed | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.store = store
        # The seed is the store's (POST /__admin/seed changes it; config stays as started),
        # and so is the one seeded stream for rateIds and delays: a seed replays a run.
        self.seeding = seed or Seed(store, config.seed)
        self.rng = StoredRandom(store, "venue", self.seeding)
        self.feed = PriceFeed(self.current_seed)
        self.quotes = QuoteBook(store, self.feed, self.rng)
        self.sessions = Sessions(config, store)
        self.replays = ReplayGuard(store, config.hmac_replay)
        self.counterparties = Counterparties(self.current_seed)
        self.book = OrderBook(store, self.feed, PollCounter(store), self.counterparties)
        self.lists = OrderLists(self.book)
        self.market = MarketDesk(self.quotes, self.pair_for)
        self.trades = TradeDesk(store, self.lists)
        self.booked = BookedTrades(config, store)
        self.placement = Placement(
            config, self.feed, self.quotes, self.book, self.pair_for, decide, self.rng
        )

    def current_seed(self) -> int:
        return self.seeding.value

    @property
    def seed(self) -> int:
        return self.seeding.value

    def now_ms(self) -> int:
        return self.clock.now_ms()

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

    # -- Integral's operations, by operationId ------------------------------------------

    def login(self, user: str, password: str, org: str) -> Token:
        return self.sessions.login(user, password, org, self.now_ms())

    def renew_token(self, token: str | None) -> tuple[Token, bool]:
        """A fresh token, and whether the one presented had expired."""
        return self.sessions.renew(token, self.now_ms())

    def get_spot_rate(self, principal: Principal, symbol: str) -> dict[str, object]:
        pair = self.pair_for(principal, symbol)
        return self.quotes.issue(principal.org, pair, self.now_ms()).as_json()

    def get_spot_rate_by_type(
        self, principal: Principal, book_type: str, symbol: str, org: str | None
    ) -> dict[str, Any]:
        return self.market.spot_book(principal, book_type, symbol, self.now_ms(), org)

    def get_market_data_sets(
        self, principal: Principal, query: dict[str, str]
    ) -> list[dict[str, Any]]:
        return self.market.data_sets(principal, query, self.now_ms())

    def place_order(
        self, principal: Principal, request: dict[str, Any], directive: Fate | None = None
    ) -> dict[str, Any]:
        """Place an order (202); `directive` is what the request's X-Sandbox-* headers force."""
        return self.placement.place_order(principal, request, directive, self.now_ms())

    def get_order(self, principal: Principal, order_id: str) -> dict[str, Any]:
        return self.book.read(self.book.by_id(principal.org, order_id), self.now_ms())

    def get_order_trades(self, principal: Principal, order_id: str) -> list[dict[str, Any]]:
        """The order's trades as STP messages; consumes nothing (a look, not a poll)."""
        row = self.book.by_id(principal.org, order_id)
        return self.trades.of_order(row, self.now_ms())

    def query_orders(
        self, principal: Principal, co_id: str | None = None
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """The order with this coId (404 if none), or else the org's active orders."""
        now = self.now_ms()
        if co_id is not None:
            return self.book.read(self.book.by_coid(principal.org, co_id), now)
        read = (self.book.read(row, now) for row in self.lists.active_rows(principal.org, now))
        # A read may move a poll-progressed order on to its final status.
        return [order for order in read if order["status"] in lifecycle.ACTIVE]

    def cancel_order(self, principal: Principal, order_id: str) -> None:
        require_trading(principal)
        self.book.cancel(
            self.book.by_id(principal.org, order_id), self.now_ms(), principal.full_name
        )

    def cancel_all_orders(self, principal: Principal) -> int:
        """Cancel every active order of the caller's org; how many were cancelled.

        Listing them is not a read of each: a read would move poll-progressed orders on.
        """
        require_trading(principal)
        now = self.now_ms()
        active = self.lists.active_rows(principal.org, now)
        return self.book.cancel_all(active, now, principal.full_name)

    def get_trade_messages(self, principal: Principal, max_count: int) -> list[dict[str, Any]]:
        return self.trades.messages(principal.org, self.now_ms(), max_count)

    def resend_trades(self, principal: Principal, start_ms: int, end_ms: int) -> int:
        return self.trades.resend(principal.org, self.now_ms(), start_ms, end_ms)

    def get_positions(self, principal: Principal, query: dict[str, str]) -> list[dict[str, Any]]:
        now = self.now_ms()
        return positions_of(self.trades.trades(principal.org, now), self.feed, query, now)

    def book_trade(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        return self.booked.book(principal, request, self.now_ms())

    # -- for the sandbox controls ----------------------------------------------------------

    def orders_of(
        self,
        org: str | None = None,
        *,
        after: int | None = None,
        limit: int = DEFAULT_PAGE,
        status: str | None = None,
        co_id: str | None = None,
        newest: bool = False,
    ) -> tuple[list[dict[str, Any]], bool]:
        """A page of any org's orders as they stand (for /__admin/orders), and whether more
        follow; looking is not a poll."""
        now = self.now_ms()
        rows, more = self.lists.page(
            org, now, after=after, limit=limit, status=status, co_id=co_id, newest=newest
        )
        return [self._with_timeline(r, now) for r in rows], more

    def _with_timeline(self, row: Any, now_ms: int) -> dict[str, Any]:
        """The order as it stands, with the steps it has taken so far (`timeline`)."""
        order = self.book.read(row, now_ms, count_poll=False)
        row = self.book.advance(row, now_ms)  # the row as that read left it
        schedule = lifecycle.Schedule.from_json(json.loads(row["schedule"]))
        steps = schedule.history(now_ms, self.book.polls.current(row["order_id"]))
        order["timeline"] = [{"status": s.status, "time": s.at_ms} for s in steps]
        return order

    def reseed(self, seed: int) -> None:
        """Restart every random stream from `seed`; prices follow the new seed at once."""
        self.seeding.reseed(seed)
