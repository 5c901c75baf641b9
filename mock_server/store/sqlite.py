"""The SQLite engine: one file (or ':memory:'); BEGIN IMMEDIATE keeps writers one at a time."""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import sqlite

from integral_mock.store.failures import StoreUnavailable
from integral_mock.store.serial import ADD_TO_VALUE, SerialConnection

T = TypeVar("T")
BUSY_TIMEOUT_S = 30.0
MIN_SQLITE = (3, 35, 0)
# SQLite's own busy handler sleeps inside C, holding up every greenlet of the worker; a
# write lock another process holds is waited for here instead, in sleeps that yield.
_BUSY_WAITS_S = (0.0001, 0.0002, 0.0005, 0.001)


class SqliteEngine(SerialConnection[sqlite3.Connection]):
    """One file (or ':memory:'); worker processes each open it, and SQLite's own locking
    (BEGIN IMMEDIATE) keeps their writers one at a time. Blocks get the sqlite3 connection."""

    name = "sqlite"
    dialect = sqlite.dialect()
    for_update = ""  # every write transaction holds the database's one write lock already
    conflicts: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: str) -> None:
        super().__init__()
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            # UPDATE … RETURNING and upserts: one statement for a draw or a counter.
            wanted = ".".join(map(str, MIN_SQLITE))
            # An sqlite3.Error, so `serve` says it in one line as any other unusable state file.
            message = f"SQLite {sqlite3.sqlite_version} is too old; {wanted} or newer"
            raise sqlite3.NotSupportedError(message)
        self.path = path
        # timeout 0: SQLite's busy handler would wait inside C, holding up every greenlet of
        # the worker (p99 of 600 ms with two workers); _patiently waits in yielding sleeps.
        self.database = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=0
        )
        self.database.row_factory = sqlite3.Row
        if path != ":memory:":
            self._patiently(lambda: self.database.execute("PRAGMA journal_mode=WAL"))
            # NORMAL, in WAL mode: a commit survives the process being killed (kill -9 of a
            # worker loses no answered order); only a power cut may lose the last commits.
            self.database.execute("PRAGMA synchronous=NORMAL")

    @staticmethod
    def index_hint(index: str) -> str:
        """SQL after a table name that makes the planner read `index`."""
        return f" INDEXED BY {index}"

    def describe(self) -> str:
        return self.path

    def columns(self, table: str) -> set[str] | None:
        """The table's column names, or None if there is no such table (for migrations)."""
        rows = self.query(f"PRAGMA table_info({table})")
        return {row[1] for row in rows} or None

    def insert_numbered(self, counter: str, table: str, key: str, values: Sequence[Any]) -> int:
        """Insert (the counter's next value, *values) into `table`, whose first column `key`
        takes the number; the number. One write
        transaction, so rows become visible in the order of their numbers."""
        with self.transaction() as db:
            (number,) = db.execute(ADD_TO_VALUE, (counter, 1, 1)).fetchone()
            marks = ", ".join("?" * (len(values) + 1))
            db.execute(f"INSERT INTO {table} VALUES ({marks})", (number, *values))
        return int(number)

    def _handle(self) -> sqlite3.Connection:
        return self.database

    def _begin(self, whole_venue: bool) -> None:
        # Every write transaction has the whole venue: one writer at a time. Waiting (in
        # yielding sleeps) while another process writes.
        self._patiently(lambda: self.database.execute("BEGIN IMMEDIATE"))

    def _commit(self) -> None:
        self._patiently(lambda: self.database.execute("COMMIT"))

    def _rollback(self) -> None:
        """ROLLBACK, unless SQLite already rolled back itself (a full disk, an I/O error)."""
        if self.database.in_transaction:
            self.database.execute("ROLLBACK")

    def _rows(self, sql: str, params: Sequence[Any], *, inside: bool) -> list[Any]:
        # Outside a transaction, a write waits here for another process's write lock.
        return self._patiently(lambda: self.database.execute(sql, params).fetchall())

    def _hold(self, name: str) -> None:
        """Nothing to take: BEGIN IMMEDIATE made this transaction the only writer."""

    def _close(self) -> None:
        self.database.close()

    def _patiently(self, step: Callable[[], T]) -> T:
        """`step()`, again after a short yielding sleep while another process holds the lock."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        for attempt in itertools.count():
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:  # answered 503 with Retry-After, as an outage
                    message = f"the state file stayed locked for {BUSY_TIMEOUT_S:g} s"
                    raise StoreUnavailable(message) from exc
            time.sleep(_BUSY_WAITS_S[min(attempt, len(_BUSY_WAITS_S) - 1)])
        raise AssertionError("unreachable")
