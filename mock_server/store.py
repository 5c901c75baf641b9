"""Where state lives: one SQLite database (':memory:' for tests, a file for `serve`)."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

BUSY_TIMEOUT_S = 30.0
# SQLite's own busy handler sleeps inside C, holding up every greenlet of the worker; a
# write lock another process holds is waited for here instead, in sleeps that yield.
_BUSY_WAITS_S = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02)

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
-- The sandbox's own state, kept here so that every worker process answers alike.
-- Named whole numbers: the seed, the manual clock, id counters, the hang generation.
CREATE TABLE IF NOT EXISTS sandbox_values (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
-- Where each seeded random stream has got to: its next draw is hash(seed, stream, position).
CREATE TABLE IF NOT EXISTS draws (
    stream      TEXT PRIMARY KEY,
    position    INTEGER NOT NULL
);
-- Fault and outcome rules (`book`), as the API shows them; `rule_org` is their scope.
CREATE TABLE IF NOT EXISTS control_rules (
    book        TEXT NOT NULL,
    id          INTEGER NOT NULL,
    rule_org    TEXT,
    times       INTEGER,
    fired       INTEGER NOT NULL DEFAULT 0,
    spec        TEXT NOT NULL,
    PRIMARY KEY (book, id)
);
-- The request journal, newest last; `entry` is the JSON the API shows.
CREATE TABLE IF NOT EXISTS journal (
    id          INTEGER PRIMARY KEY,
    entry_org   TEXT,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    status      INTEGER,
    fault       TEXT,
    request_id  TEXT,
    entry       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_org ON journal (entry_org, id);
-- Dashboard cookies ended by a sign-out, until they would have expired anyway.
CREATE TABLE IF NOT EXISTS admin_sessions_ended (
    cookie      TEXT PRIMARY KEY,
    until_ms    INTEGER NOT NULL
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


class Store:
    """One SQLite connection per process, shared by its threads, serialised by a lock.

    One connection (not one per thread) because ':memory:' databases are per connection;
    the lock keeps each transaction whole under a threaded server. Worker processes each
    open the same file; SQLite's own locking (BEGIN IMMEDIATE) keeps them apart.
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        # A reader never waits in WAL mode; a writer waits in _begin, not in SQLite (timeout
        # 0), except for the brief moments (a checkpoint) SQLite waits itself.
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=0.05
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (read and written under _lock)
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL, in WAL mode: a commit survives the process being killed (kill -9 of a
            # worker loses no answered order); only a power cut may lose the last commits.
            self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._conn.executescript(SCHEMA)
        self._add_order_list_columns()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one transaction: committed whole or not at all.

        Reentrant: a block inside another (a seeded draw while a quote is stored) joins it.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self._conn.execute("COMMIT")

    def _add_order_list_columns(self) -> None:
        # One write transaction: two `serve` processes starting on one file add them once.
        with self.transaction() as db:
            have = {row[1] for row in db.execute("PRAGMA table_info(orders)")}
            for name, declaration in ORDER_LIST_COLUMNS.items():
                if name not in have:
                    db.execute(f"ALTER TABLE orders ADD COLUMN {name} {declaration}")
            if "delivered" not in have:  # an older file: its deliveries are in trade_deliveries
                db.execute(
                    "UPDATE orders SET delivered = 1 WHERE EXISTS (SELECT 1 FROM trade_deliveries"
                    " d WHERE d.org = orders.org AND d.order_id = orders.order_id)"
                )
        with self._lock:
            self._conn.executescript(ORDER_LIST_INDEXES)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting (in yielding sleeps) while another process writes."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        for attempt in itertools.count():
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(_BUSY_WAITS_S[min(attempt, len(_BUSY_WAITS_S) - 1)])

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Keep other threads out for a read-then-write that spans several transactions."""
        with self._lock:
            yield

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def value(self, name: str, default: int) -> int:
        """The named value, or `default` (stored as it) if it was never set."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sandbox_values VALUES (?, ?)", (name, default))
            row = db.execute("SELECT value FROM sandbox_values WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def peek(self, name: str, default: int) -> int:
        """The named value without storing the default: a read takes no write lock."""
        rows = self.query("SELECT value FROM sandbox_values WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else default

    def set_value(self, name: str, value: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO sandbox_values VALUES (?, ?)", (name, value))

    def add_value(self, name: str, delta: int, default: int = 0) -> int:
        """Add `delta` to the named value (starting from `default`) and return the sum."""
        sql = (
            "INSERT INTO sandbox_values VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = value + ? RETURNING value"
        )
        with self.transaction() as db:
            return int(db.execute(sql, (name, default + delta, delta)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class StoredTime:
    """A manual clock's time as a named value of the store (clock.TimeCell)."""

    def __init__(self, store: Store, start_ms: int, name: str = "manual_clock_ms") -> None:
        self.store = store
        self.name = name
        self.start_ms = start_ms
        store.value(name, start_ms)  # the first worker to open the store sets the start

    def read(self) -> int:
        return self.store.peek(self.name, self.start_ms)

    def add(self, ms: int) -> int:
        return self.store.add_value(self.name, ms, self.start_ms)
