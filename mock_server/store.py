"""Where state lives: one SQLite database (':memory:' for tests, a file for `serve`)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_hash  TEXT PRIMARY KEY,
    user        TEXT NOT NULL,
    org         TEXT NOT NULL,
    issued_ms   INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS quotes (
    rate_id     TEXT PRIMARY KEY,
    org         TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    bid         TEXT NOT NULL,
    offer       TEXT NOT NULL,
    bid_limit   INTEGER NOT NULL,
    offer_limit INTEGER NOT NULL,
    issued_ms   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    order_id    INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    co_id       TEXT NOT NULL,
    user        TEXT NOT NULL,
    request     TEXT NOT NULL,
    placed_ms   INTEGER NOT NULL,
    schedule    TEXT NOT NULL,
    reason      TEXT,
    fills       TEXT NOT NULL DEFAULT '[]',
    -- Resting orders (Limit GTC/GTT/DAY, Stop) are matched on read up to checked_ms.
    resting     INTEGER NOT NULL DEFAULT 0,
    checked_ms  INTEGER,
    expires_ms  INTEGER,
    UNIQUE (org, co_id)
);
CREATE INDEX IF NOT EXISTS orders_by_org ON orders (org, order_id);
-- Reads of orders whose progression counts polls (see orders.by_polls).
CREATE TABLE IF NOT EXISTS order_polls (
    order_id    INTEGER PRIMARY KEY,
    polls       INTEGER NOT NULL
);
-- Trades done elsewhere and booked by POST /v2/trades; `org` booked it, for `customer_org`.
-- Their ids stay far below order ids, so the delivery tables below key both by `order_id`.
CREATE TABLE IF NOT EXISTS booked_trades (
    trade_id     INTEGER PRIMARY KEY,
    org          TEXT NOT NULL,
    customer_org TEXT NOT NULL,
    request_id   TEXT,
    message      TEXT NOT NULL,
    created_ms   INTEGER NOT NULL,
    UNIQUE (org, request_id)
);
-- Trades handed out by GET /v2/trades/stp/messages, and those queued again by a resend.
CREATE TABLE IF NOT EXISTS trade_deliveries (
    org         TEXT NOT NULL,
    order_id    INTEGER NOT NULL,
    PRIMARY KEY (org, order_id)
);
CREATE TABLE IF NOT EXISTS trade_resends (
    seq         INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    order_id    INTEGER NOT NULL
);
-- Not `org`: an org's reset must not let a captured signed request be replayed in its window.
CREATE TABLE IF NOT EXISTS hmac_signatures (
    signature   TEXT PRIMARY KEY,
    signed_by   TEXT NOT NULL,
    expires_ms  INTEGER NOT NULL
);
-- Per-org overrides set through /__admin (forgotten with the org on reset): a short token
-- lifetime for one org lets a certification run expire a client's token mid-flow.
CREATE TABLE IF NOT EXISTS org_settings (
    org               TEXT PRIMARY KEY,
    token_lifetime_ms INTEGER
);
"""

# -- Lists that do not scan (issue 11, point 4) --------------------------------------------
# Columns of `orders` that index what an order's stored facts already say, so the active
# list, the trade download, cancel-all and /__admin/orders read only what they answer. The
# status is still derived on read: these only narrow which rows are read.
#   final_ms      from when the schedule (with the polls counted so far) makes it final; NULL
#                 while it rests on the book, waits on reads, or predates these columns
#   final_status  that final status (NULL with final_ms)
#   trade_ms      its last fill's time (the trade's executionTime) once it has a fill
#   delivered     1 once its trade went out in a download (as trade_deliveries says)
# Added by ALTER TABLE where missing, so a state file from before keeps working; its old rows
# come NULL, which the book lists on first look (OrderBook.settle).
ORDER_LIST_COLUMNS = {
    "final_ms": "INTEGER",
    "final_status": "TEXT",
    "trade_ms": "INTEGER",
    "delivered": "INTEGER NOT NULL DEFAULT 0",
}
ORDER_LIST_INDEXES = """
CREATE INDEX IF NOT EXISTS orders_open ON orders (order_id) WHERE final_ms IS NULL;
CREATE INDEX IF NOT EXISTS orders_by_final ON orders (org, final_ms);
CREATE INDEX IF NOT EXISTS orders_undelivered ON orders (org, trade_ms, order_id)
    WHERE delivered = 0 AND trade_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS booked_by_customer ON booked_trades (customer_org, trade_id);
"""


def _add_order_list_columns(conn: sqlite3.Connection) -> None:
    # One write transaction: two `serve` processes starting on one file add them once.
    conn.execute("BEGIN IMMEDIATE")
    have = {row[1] for row in conn.execute("PRAGMA table_info(orders)")}
    for name, declaration in ORDER_LIST_COLUMNS.items():
        if name not in have:
            conn.execute(f"ALTER TABLE orders ADD COLUMN {name} {declaration}")
    if "delivered" not in have:  # an older file: its deliveries are in trade_deliveries
        conn.execute(
            "UPDATE orders SET delivered = 1 WHERE EXISTS (SELECT 1 FROM trade_deliveries d "
            "WHERE d.org = orders.org AND d.order_id = orders.order_id)"
        )
    conn.execute("COMMIT")
    conn.executescript(ORDER_LIST_INDEXES)


class Store:
    """One SQLite connection shared by the app's threads, serialised by a lock.

    One connection (not one per thread) because ':memory:' databases are per connection;
    the lock keeps each transaction whole under a threaded server.
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: an order's 202 goes out only once the order is on disk.
            self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)
        _add_order_list_columns(self._conn)

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """Run a block as one transaction: committed whole or not at all.

        `durable=False` is for writes that only cache what can be derived again (a resting
        order's matching progress): committed without waiting for the disk (WAL with
        synchronous NORMAL), so a crash may lose them but never leaves the file inconsistent.
        """
        with self._lock:
            relaxed = not durable and self.path != ":memory:"
            if relaxed:  # a pragma cannot change inside a transaction: around it, then
                self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if relaxed:
                    self._conn.execute("PRAGMA synchronous=FULL")

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Keep other threads out for a read-then-write that spans several transactions."""
        with self._lock:
            yield

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
