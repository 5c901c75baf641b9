"""Stored orders: insert, look up, match, render, cancel (lists.py reads them by the index)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from integral_mock.errors import BadRequest, NotFound
from integral_mock.exchange.market.rates import PriceFeed
from integral_mock.exchange.orders import lifecycle, stored
from integral_mock.exchange.orders.counterparties import Counterparties
from integral_mock.exchange.orders.fate import Course
from integral_mock.exchange.orders.fills import fill_fields
from integral_mock.exchange.orders.lifecycle import Schedule, Step
from integral_mock.exchange.orders.matching import Fill, grid_points, stop_triggered, take
from integral_mock.exchange.orders.polls import PollCounter
from integral_mock.exchange.orders.stored import listing, load_fills, ticket_of, values
from integral_mock.exchange.orders.ticket import Ticket
from integral_mock.store import Database, Row, Store

FILL_STATUSES = frozenset({lifecycle.PARTIALLY_FILLED, lifecycle.FILLED})
FIRST_ORDER_ID = 4_000_000_001
# The spec allows 19 digits; past SQLite's 64-bit range no order can exist.
_MAX_ORDER_ID = 2**63 - 1


class OrderBook:
    """The orders of every org; each read sees only the caller's org."""

    def __init__(
        self, store: Store, feed: PriceFeed, polls: PollCounter, counterparties: Counterparties
    ) -> None:
        self.store = store
        self.feed = feed
        self.polls = polls
        self.counterparties = counterparties

    def insert(
        self,
        org: str,
        user: str,
        order: Ticket,
        placed_ms: int,
        course: Course,
    ) -> Row:
        """Store a new order under the next id; 400 DUPLICATE_COID if the org used its coId."""
        try:
            with self.store.transaction() as db:
                order_id = self._next_order_id(db)
                db.execute(stored.INSERT, values(order_id, org, user, order, placed_ms, course))
        except self.store.conflicts:
            raise BadRequest(
                f"coId {order.co_id!r} was already used by org {org}; "
                "query GET /v2/orders?coId= to find that order",
                code="DUPLICATE_COID",
                fields=[{"field": "coId", "message": "already used"}],
            ) from None
        return self.by_id(org, str(order_id))

    def insert_many(self, org: str, user: str, orders: Iterable[tuple[Ticket, int, Course]]) -> int:
        """The bulk path (benchmarks, seeding): many (ticket, placed_ms, course) in one commit,
        stored as `insert` stores each; an IntegrityError (a used coId) keeps none of them."""
        with self.store.transaction() as db:
            first = self._next_order_id(db)
            rows = [
                values(first + n, org, user, order, placed_ms, course)
                for n, (order, placed_ms, course) in enumerate(orders)
            ]
            db.executemany(stored.INSERT, rows)
        return len(rows)

    def _next_order_id(self, db: Database) -> int:
        # Ids start in a block of the seed's, so two seeds' runs never share an id. The last
        # one read and the next one written under one lock: no other replica takes it between.
        self.store.serialize("order ids")
        last = db.execute("SELECT MAX(order_id) FROM orders").fetchone()[0]
        seed = self.counterparties.seed_of()
        return FIRST_ORDER_ID + seed % 1000 * 1_000_000 if last is None else int(last) + 1

    def by_id(self, org: str, order_id: str) -> Row:
        """The org's order with this server id, or 404 (another org's order is not found)."""
        number = int(order_id)
        if number > _MAX_ORDER_ID:
            raise NotFound(f"No order {order_id} for org {org}")
        return self._one("order_id = ?", org, number)

    def _locked(self, org: str, order_id: int) -> Row:
        """The order, locked until the caller's transaction ends (on SQLite, the write
        transaction holds the database): no replica's cancel, poll or match comes between."""
        return self._one("order_id = ?", org, order_id, lock=self.store.for_update)

    def by_coid(self, org: str, co_id: str) -> Row:
        """The org's order with this client order id, or 404."""
        return self._one("co_id = ?", org, co_id)

    def _one(self, where: str, org: str, value: object, lock: str = "") -> Row:
        # Filtering by org in the query itself: another org's order is simply not found.
        rows = self.store.query(
            f"SELECT * FROM orders WHERE org = ? AND {where}{lock}", (org, value)
        )
        if not rows:
            raise NotFound(f"No order {value} for org {org}")
        return rows[0]

    def read(self, row: Row, now_ms: int, *, count_poll: bool = True) -> dict[str, Any]:
        """The order as a read at `now_ms` shows it; a client read counts as a poll."""
        row = self.advance(row, now_ms)
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        if not schedule.counts_polls:
            polls = 0  # no step waits on reads: the count changes nothing, so none is looked up
        elif count_poll:
            row, polls = self._count_poll(row, now_ms)
        else:
            polls = self.polls.current(row["order_id"])
        return self.render(row, now_ms, polls)

    def _count_poll(self, row: Row, now_ms: int) -> tuple[Row, int]:
        """Count this read; the order as it stands under its lock (a cancel committed since
        it was first read shows), and the count. Two replicas' reads count as two."""
        with self.store.transaction() as db:
            row = self._locked(row["org"], row["order_id"])
            schedule = Schedule.from_json(json.loads(row["schedule"]))
            polls = self.polls.count(db, row["order_id"], schedule, now_ms)
            # The read that reaches the final status lists the order as final, in one commit.
            final_ms = schedule.final_since(polls)
            if final_ms is not None:
                db.execute(
                    "UPDATE orders SET final_ms = ?, final_status = ? "
                    "WHERE order_id = ? AND final_ms IS NULL",
                    (final_ms, schedule.final.status, row["order_id"]),
                )
        return row, polls

    def render(self, row: Row, now_ms: int, polls: int = 0) -> dict[str, Any]:
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
        # Published as required on a queried order; one placed without it rests, as GTC does.
        order.setdefault("timeInForce", "GTC")
        fills = load_fills(row)
        # Under poll progression every step is due at placement; the status says what shows.
        shown = fills if status == lifecycle.FILLED else [f for f in fills if f.at_ms <= now_ms]
        if shown and (status in FILL_STATUSES or status in lifecycle.FINAL):
            party = self.counterparties.name(row["order_id"])
            order.update(fill_fields(row["order_id"], ticket_of(row), shown, party))
        if status in lifecycle.FINAL and status != lifecycle.FILLED and row["reason"]:
            order["reason"] = row["reason"]
        return order

    def advance(self, row: Row, now_ms: int) -> Row:
        """Match a resting order against the market up to `now_ms`; the row as it now is."""
        if not row["resting"] or now_ms <= row["checked_ms"]:
            return row
        with self.store.transaction() as db:
            current = self._locked(row["org"], row["order_id"])
            if current["checked_ms"] < now_ms:
                self._match(db, current, now_ms)
            return self._one("order_id = ?", row["org"], row["order_id"])

    def _match(self, db: Database, row: Row, now_ms: int) -> None:
        order = ticket_of(row)
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        fills = load_fills(row)
        leaves = order.size - sum((f.qty for f in fills), Decimal(0))
        expires, steps, reason = row["expires_ms"], list(schedule), row["reason"]
        until = now_ms if expires is None else min(now_ms, expires - 1)
        start = max(row["checked_ms"], schedule[1].at_ms - 1)
        for at in grid_points(start, until):
            fill = self._fill_at(order, at, leaves, bool(fills))
            if fill is None:
                continue
            fills.append(fill)
            leaves -= fill.qty
            steps.append(Step(at, lifecycle.FILLED if leaves == 0 else lifecycle.PARTIALLY_FILLED))
            if leaves == 0:
                break
        if leaves > 0 and expires is not None and now_ms >= expires:
            steps.append(Step(expires, lifecycle.EXPIRED))
            reason = f"{order.time_in_force or 'GTT'}_EXPIRED: the order's time ran out"
        matched = Schedule(steps)
        final = steps[-1].status in lifecycle.FINAL
        db.execute(
            "UPDATE orders SET schedule = ?, fills = ?, checked_ms = ?, resting = ?, reason = ?, "
            "final_ms = ?, final_status = ?, trade_ms = ? WHERE order_id = ?",
            (
                json.dumps(matched.to_json()),
                json.dumps([f.to_json() for f in fills]),
                now_ms,
                0 if final else 1,
                reason,
                *listing(matched, fills),
                row["order_id"],
            ),
        )

    def _fill_at(self, order: Ticket, at: int, leaves: Decimal, triggered: bool) -> Fill | None:
        if order.kind == "Stop":
            # Once a stop has triggered (it has fills), it works as a market order.
            if not triggered and not stop_triggered(order, self.feed, at):
                return None
            return take(order, self.feed, at, leaves, all_or_none=False, check_limit=False)
        return take(order, self.feed, at, leaves, all_or_none=False, check_limit=True)

    def cancel(self, row: Row, now_ms: int, by: str) -> None:
        """Cancel an active order now; 400 if it is already final."""
        # One write transaction from the check to the cut: no fill or other cancel, of this
        # worker or another, comes between them.
        with self.store.transaction() as db:
            cut = self._cut(row, now_ms, by)
            if isinstance(cut, str):
                message = f"Order {row['order_id']} is already {cut}; only active orders can be"
                raise BadRequest(f"{message} cancelled", code="ORDER_FINAL")
            db.execute(stored.CANCEL, cut)

    def cancel_all(self, rows: Iterable[Row], now_ms: int, by: str) -> int:
        """Cancel those of `rows` still active now, in one commit; how many were."""
        with self.store.transaction() as db:  # as in cancel: checks and cuts in one
            # One that filled or expired since the list was read has nothing to cancel.
            cuts = [cut for row in rows if not isinstance(cut := self._cut(row, now_ms, by), str)]
            db.executemany(stored.CANCEL, cuts)
        return len(cuts)

    def _cut(self, row: Row, now_ms: int, by: str) -> tuple[object, ...] | str:
        """The UPDATE's parameters that cancel the order now, or the final status it has."""
        row = self.advance(self._locked(row["org"], row["order_id"]), now_ms)
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        polls = self.polls.current(row["order_id"])
        status = schedule.status_at(now_ms, polls)
        if status in lifecycle.FINAL:
            return status
        cut = schedule.cut_at(now_ms, lifecycle.CANCELLED, polls)
        filled = any(step.status in FILL_STATUSES for step in cut)
        kept = [f for f in load_fills(row) if f.at_ms <= now_ms] if filled else []
        return (
            json.dumps(cut.to_json()),
            json.dumps([f.to_json() for f in kept]),
            f"CANCELLED: by {by}",
            *listing(cut, kept, polls),
            row["order_id"],
        )
