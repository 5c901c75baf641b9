"""Lists of orders read through the listing index (store/schema.py), never every order.

An order's status stays derived on read; the index only says which rows can matter at `now`:
those not final by then (`final_ms` NULL or later) for the active list, those final with a
trade not yet delivered for the download. Resting orders are matched before any list is read
(`settle`), so an order the market filled since its last read is listed as final.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.book import OrderBook
from integral_mock.exchange.orders.lifecycle import Schedule
from integral_mock.store import Database, Row

# /__admin/orders: a page of this many orders unless the caller asks for another size.
DEFAULT_PAGE = 1000
MAX_PAGE = 10_000
# Rows read at a time while a status filter looks for a page's worth of matches.
_CHUNK = 2000
_NO_ID = 2**63 - 1  # SQLite's largest integer, past any order id: a newest-first start

_WITH_POLLS = (
    "SELECT o.*, COALESCE(p.polls, 0) AS polls FROM orders o{open_hint} "
    "LEFT JOIN order_polls p ON p.order_id = o.order_id WHERE o.final_ms IS NULL"
)


class OrderLists:
    """The order book's lists: active orders, trades by delivery, pages for the admin API."""

    def __init__(self, book: OrderBook) -> None:
        self.book = book
        self.store = book.store
        # SQLite is told which index each list reads (its planner picked worse ones); the
        # hint is SQLite's own syntax, so the engine supplies it (none for PostgreSQL).
        hint = self.store.engine.index_hint
        self._open, self._by_final = (
            f"orders{hint('orders_open')}",
            f"orders{hint('orders_by_final')}",
        )
        self._undelivered = f"orders{hint('orders_undelivered')}"
        self._with_polls = _WITH_POLLS.format(open_hint=hint("orders_open"))

    def settle(self, org: str | None, now_ms: int) -> None:
        """Bring the stored facts of the open orders (of `org`, or all) up to `now_ms`.

        Resting orders are matched up to now; a row whose facts say final but which is not
        listed so (one stored before the listing columns existed) is listed. Costs what is
        open, not what the org ever placed.
        """
        with_polls = self._with_polls
        sql, params = (with_polls + " AND o.org = ?", (org,)) if org else (with_polls, ())
        sql += " ORDER BY o.order_id"  # rows locked in one order by everyone: no deadlock
        for row in self.store.query(sql, params):
            if row["resting"]:
                self.book.advance(row, now_ms)
                continue
            schedule = Schedule.from_json(json.loads(row["schedule"]))
            final_ms = schedule.final_since(row["polls"])
            trade_ms = json.loads(row["fills"])[-1][0] if row["fills"] != "[]" else None
            if final_ms is not None:
                with self.store.transaction() as db:
                    db.execute(
                        "UPDATE orders SET final_ms = ?, final_status = ?, trade_ms = ? "
                        "WHERE order_id = ? AND final_ms IS NULL",
                        (final_ms, schedule.final.status, trade_ms, row["order_id"]),
                    )

    def active_rows(self, org: str, now_ms: int) -> list[Row]:
        """The org's orders that are active at `now_ms`, oldest first; looking is not a poll."""
        self.settle(org, now_ms)
        rows = self.store.query(
            f"SELECT * FROM {self._open} WHERE final_ms IS NULL AND org = ? "
            f"UNION ALL SELECT * FROM {self._by_final} "
            "WHERE org = ? AND final_ms > ? ORDER BY order_id",
            (org, org, now_ms),
        )
        return [r for r in rows if self._status(r, now_ms) in lifecycle.ACTIVE]

    def _status(self, row: Row, now_ms: int) -> str:
        schedule = Schedule.from_json(json.loads(row["schedule"]))
        return schedule.status_at(now_ms, self.book.polls.current(row["order_id"]))

    def traded_rows(self, org: str, now_ms: int) -> list[Row]:
        """The org's orders with a trade by `now_ms` (final, with a fill), by trade time."""
        self.settle(org, now_ms)
        return self.store.query(
            f"SELECT * FROM {self._by_final} WHERE org = ? AND final_ms <= ? "
            "AND trade_ms IS NOT NULL ORDER BY trade_ms, order_id",
            (org, now_ms),
        )

    def undelivered_rows(self, org: str, now_ms: int, limit: int) -> list[Row]:
        """The first `limit` of the org's trades by `now_ms` not yet downloaded, by trade time."""
        self.settle(org, now_ms)
        return self.store.query(
            f"SELECT * FROM {self._undelivered} WHERE org = ? AND delivered = 0 "
            "AND trade_ms IS NOT NULL AND final_ms <= ? ORDER BY trade_ms, order_id LIMIT ?",
            (org, now_ms, limit),
        )

    def delivered_rows(self, org: str, from_ms: int, until_ms: int) -> list[Row]:
        """The org's downloaded trades done in [from_ms, until_ms), by trade time."""
        return self.store.query(
            "SELECT * FROM orders WHERE org = ? AND delivered = 1 AND trade_ms >= ? "
            "AND trade_ms < ? ORDER BY trade_ms, order_id",
            (org, from_ms, until_ms),
        )

    @staticmethod
    def mark_delivered(db: Database, org: str, order_ids: Sequence[int]) -> None:
        """Note in the caller's transaction that these trades went out in a download."""
        db.executemany(
            "UPDATE orders SET delivered = 1 WHERE org = ? AND order_id = ?",
            [(org, order_id) for order_id in sorted(order_ids)],  # locked in order_id order
        )

    def page(
        self,
        org: str | None,
        now_ms: int,
        *,
        after: int | None = None,
        limit: int = DEFAULT_PAGE,
        status: str | None = None,
        co_id: str | None = None,
        newest: bool = False,
    ) -> tuple[list[Row], bool]:
        """Up to `limit` orders (of `org`, or all) past order id `after`, oldest first (newest
        first if asked), with this status and coId when asked; and whether more follow."""
        where = ["order_id < ?" if newest else "order_id > ?"]
        params: list[object] = [(_NO_ID if newest else 0) if after is None else after]
        if org is not None:
            where.append("org = ?")
            params.append(org)
        if co_id is not None:
            where.append("co_id = ?")
            params.append(co_id)
        if status is not None:
            self.settle(org, now_ms)  # so that the index says which orders can have `status`
            if status in lifecycle.FINAL:
                where.append("final_ms <= ? AND final_status = ?")
                params += [now_ms, status]
            elif status in lifecycle.ACTIVE:
                where.append("(final_ms IS NULL OR final_ms > ?)")
                params.append(now_ms)
            else:
                return [], False  # no order is ever in a status the lifecycle does not know
        sql = f"SELECT * FROM orders WHERE {' AND '.join(where)} ORDER BY order_id"
        sql += " DESC LIMIT ?" if newest else " LIMIT ?"
        size = _CHUNK if status else limit + 1
        found: list[Row] = []
        while len(found) <= limit:
            chunk = self.store.query(sql, (*params, size))
            found += [r for r in chunk if status is None or self._status(r, now_ms) == status]
            if len(chunk) < size:
                break
            params[0] = chunk[-1]["order_id"]
        return found[:limit], len(found) > limit
