"""Where state lives: one SQLite database (':memory:' for tests, a file for `serve`)."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from integral_mock.store.schema import ORDER_LIST_COLUMNS, ORDER_LIST_INDEXES, SCHEMA

T = TypeVar("T")
BUSY_TIMEOUT_S = 30.0
MIN_SQLITE = (3, 35, 0)
# SQLite's own busy handler sleeps inside C, holding up every greenlet of the worker; a
# write lock another process holds is waited for here instead, in sleeps that yield.
_BUSY_WAITS_S = (0.0001, 0.0002, 0.0005, 0.001)


class Store:
    """One SQLite connection per process, shared by its threads, serialised by a lock.

    One connection (not one per thread) because ':memory:' databases are per connection;
    the lock keeps each transaction whole under a threaded server. Worker processes each
    open the same file; SQLite's own locking (BEGIN IMMEDIATE) keeps them apart.
    """

    def __init__(self, path: str = ":memory:") -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            # UPDATE … RETURNING and upserts: one statement for a draw or a counter.
            wanted = ".".join(map(str, MIN_SQLITE))
            # An sqlite3.Error, so `serve` says it in one line as any other unusable state file.
            message = f"SQLite {sqlite3.sqlite_version} is too old; {wanted} or newer"
            raise sqlite3.NotSupportedError(message)
        self.path = path
        # timeout 0: SQLite's busy handler would wait inside C, holding up every greenlet of
        # the worker (p99 of 600 ms with two workers); _patiently waits in yielding sleeps.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=0)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (read and written under _lock)
        if path != ":memory:":
            self._patiently(lambda: self._conn.execute("PRAGMA journal_mode=WAL"))
            # NORMAL, in WAL mode: a commit survives the process being killed (kill -9 of a
            # worker loses no answered order); only a power cut may lose the last commits.
            self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._patiently(lambda: self._conn.executescript(SCHEMA))
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
                self._rollback()
                raise
            finally:
                self._depth = 0
            try:
                self._patiently(lambda: self._conn.execute("COMMIT"))
            except BaseException:  # never leave the connection inside a transaction
                self._rollback()
                raise

    def _rollback(self) -> None:
        """ROLLBACK, unless SQLite already rolled back itself (a full disk, an I/O error)."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

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
            self._patiently(lambda: self._conn.executescript(ORDER_LIST_INDEXES))

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting (in yielding sleeps) while another process writes."""
        self._patiently(lambda: self._conn.execute("BEGIN IMMEDIATE"))

    def _patiently(self, step: Callable[[], T]) -> T:
        """`step()`, again after a short yielding sleep while another process holds the lock."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        for attempt in itertools.count():
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
            time.sleep(_BUSY_WAITS_S[min(attempt, len(_BUSY_WAITS_S) - 1)])
        raise AssertionError("unreachable")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:  # a read waits only in WAL's rare moments (a recovery), patiently
            return self._patiently(lambda: self._conn.execute(sql, params).fetchall())

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
