"""Stored orders: written once placed, matched on read if resting, rendered, cancelled."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from integral_mock.errors import BadRequest, NotFound
from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.fills import fill_fields
from integral_mock.exchange.orders.lifecycle import Schedule, Step
from integral_mock.exchange.orders.matching import Fill, grid_points, stop_triggered, take
from integral_mock.exchange.orders.polls import PollCounter
from integral_mock.store import Store

FILL_STATUSES = frozenset({lifecycle.PARTIALLY_FILLED, lifecycle.FILLED})


def load_fills(row: sqlite3.Row) -> list[Fill]:
    return [Fill.from_json(f) for f in json.loads(row["fills"])]


class OrderBook:
    """The orders of every org; each read sees only the caller's org."""

    def __init__(
        self, store: Store, feed: PriceFeed, polls: PollCounter, counterparty: Callable[[int], str]
    ) -> None:
        self.store = store
        self.feed = feed
        self.polls = polls
        self.counterparty = counterparty

    def row(self, org: str, where: str, value: object) -> sqlite3.Row:
        # Filtering by org in the query itself: another org's order is simply not found.
        rows = self.store.query(f"SELECT * FROM orders WHERE org = ? AND {where}", (org, value))
        if not rows:
            raise NotFound(f"No order {value} for org {org}")
        return rows[0]

    def rows(self, org: str | None) -> list[sqlite3.Row]:
        where, params = ("WHERE org = ?", (org,)) if org else ("", ())
        return self.store.query(f"SELECT * FROM orders {where} ORDER BY order_id", params)

    def read(self, row: sqlite3.Row, now_ms: int, *, count_poll: bool = True) -> dict[str, Any]:
        """The order as a read at `now_ms` shows it; a client read counts as a poll."""
        row = self.advance(row, now_ms)
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        polls = (
            self.polls.read(row["order_id"], schedule, now_ms)
            if count_poll
            else self.polls.current(row["order_id"])
        )
        return self.render(row, now_ms, polls)

    def render(self, row: sqlite3.Row, now_ms: int, polls: int = 0) -> dict[str, Any]:
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
            pair = PAIRS[request["symbol"]]
            party = self.counterparty(row["order_id"])
            order.update(fill_fields(row["order_id"], request, pair, shown, party))
        if status in lifecycle.FINAL and status != lifecycle.FILLED and row["reason"]:
            order["reason"] = row["reason"]
        return order

    def advance(self, row: sqlite3.Row, now_ms: int) -> sqlite3.Row:
        """Match a resting order against the market up to `now_ms`; the row as it now is."""
        if not row["resting"] or now_ms <= row["checked_ms"]:
            return row
        with self.store.transaction() as db:
            fresh = db.execute("SELECT * FROM orders WHERE order_id = ?", (row["order_id"],))
            current = fresh.fetchone()
            if current["checked_ms"] < now_ms:
                self._match(db, current, now_ms)
            updated: sqlite3.Row = db.execute(
                "SELECT * FROM orders WHERE order_id = ?", (row["order_id"],)
            ).fetchone()
        return updated

    def _match(self, db: sqlite3.Connection, row: sqlite3.Row, now_ms: int) -> None:
        request = json.loads(row["request"])
        pair = PAIRS[request["symbol"]]
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        fills = load_fills(row)
        leaves = Decimal(str(request["size"])) - sum((f.qty for f in fills), Decimal(0))
        expires, steps, reason = row["expires_ms"], list(schedule), row["reason"]
        until = now_ms if expires is None else min(now_ms, expires - 1)
        start = max(row["checked_ms"], schedule[1].at_ms - 1)
        for at in grid_points(start, until):
            fill = self._fill_at(request, pair, at, leaves, bool(fills))
            if fill is None:
                continue
            fills.append(fill)
            leaves -= fill.qty
            steps.append(Step(at, lifecycle.FILLED if leaves == 0 else lifecycle.PARTIALLY_FILLED))
            if leaves == 0:
                break
        if leaves > 0 and expires is not None and now_ms >= expires:
            steps.append(Step(expires, lifecycle.EXPIRED))
            reason = f"{request.get('timeInForce', 'GTT')}_EXPIRED: the order's time ran out"
        final = steps[-1].status in lifecycle.FINAL
        db.execute(
            "UPDATE orders SET schedule = ?, fills = ?, checked_ms = ?, resting = ?, reason = ? "
            "WHERE order_id = ?",
            (
                json.dumps(Schedule(steps).to_json()),
                json.dumps([f.to_json() for f in fills]),
                now_ms,
                0 if final else 1,
                reason,
                row["order_id"],
            ),
        )

    def _fill_at(
        self, request: dict[str, Any], pair: Pair, at: int, leaves: Decimal, triggered: bool
    ) -> Fill | None:
        if request["type"] == "Stop":
            # Once a stop has triggered (it has fills), it works as a market order.
            if not triggered and not stop_triggered(request, pair, self.feed, at):
                return None
            return take(request, pair, self.feed, at, leaves, all_or_none=False, check_limit=False)
        return take(request, pair, self.feed, at, leaves, all_or_none=False, check_limit=True)

    def cancel(self, row: sqlite3.Row, now_ms: int, by: str) -> None:
        """Cancel an active order now; 400 if it is already final."""
        with self.store.exclusive():  # no fill or other cancel between the check and the cut
            self._cancel(row, now_ms, by)

    def _cancel(self, row: sqlite3.Row, now_ms: int, by: str) -> None:
        row = self.advance(row, now_ms)
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        polls = self.polls.current(row["order_id"])
        status = schedule.status_at(now_ms, polls)
        if status in lifecycle.FINAL:
            raise BadRequest(
                f"Order {row['order_id']} is already {status}; only active orders can be cancelled",
                code="ORDER_FINAL",
            )
        cut = schedule.cut_at(now_ms, lifecycle.CANCELLED, polls)
        filled = any(step.status in FILL_STATUSES for step in cut)
        kept = [f for f in load_fills(row) if f.at_ms <= now_ms] if filled else []
        with self.store.transaction() as db:
            db.execute(
                "UPDATE orders SET schedule = ?, fills = ?, resting = 0, reason = ? "
                "WHERE order_id = ?",
                (
                    json.dumps(cut.to_json()),
                    json.dumps([f.to_json() for f in kept]),
                    f"CANCELLED: by {by}",
                    row["order_id"],
                ),
            )
