"""Where state lives: one database, SQLite (the default) or PostgreSQL, behind one interface."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from integral_mock.store import migrations
from integral_mock.store.engines import (
    IN_MEMORY,
    Engine,
    create_private_schema,
    drop_private_schema,
    is_postgres,
    open_engine,
)
from integral_mock.store.failures import StoreError, StoreUnavailable
from integral_mock.store.serial import ADD_TO_VALUE

__all__ = [
    "IN_MEMORY",
    "Database",
    "Engine",
    "Row",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoredTime",
    "create_private_schema",
    "drop_private_schema",
    "is_postgres",
]

# A result row: by column name or by position (sqlite3.Row, or the PostgreSQL engine's Row).
Row = Any


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """What a transaction's block is handed: statements in the qmark style (`?`)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class Store:
    """The sandbox's state in one database; `database`: a SQLite path or `sqlite:///path`, or
    a `postgresql://` URL. Each engine keeps its own transactions whole (its docstring):
    SQLite with one connection and a lock, PostgreSQL with a pool of connections. Worker
    processes and replicas each open their own; the database keeps them apart.
    """

    def __init__(self, database: str = ":memory:", *, private: bool = False) -> None:
        self.engine = open_engine(database, private=private)
        # The engine's SQL where the engines differ, for the statements that need it.
        self.for_update = self.engine.for_update  # after a SELECT: lock the rows it read
        self.conflicts = self.engine.conflicts  # what a broken UNIQUE constraint raises
        try:
            with self.engine.preparing():
                migrations.prepare(self)
        except BaseException:
            self.engine.close()
            raise

    def describe(self) -> str:
        """Where the state is, for the banner (never with a password)."""
        return self.engine.describe()

    def transaction(self, *, whole_venue: bool = False) -> AbstractContextManager[Database]:
        """Run a block as one transaction: committed whole or not at all.

        Reentrant: a block inside another (a seeded draw while a quote is stored) joins it.
        `whole_venue`: the only transaction running, on any worker or replica (a reset or a
        reseed, which touch what every other transaction may be using).
        """
        return self.engine.transaction(whole_venue=whole_venue)

    def serialize(self, name: str) -> None:
        """Inside a transaction: be the only one, on any host, holding `name` until it ends.

        For the few steps that read then write what no row lock covers (the next order id).
        """
        self.engine.serialize(name)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one statement (inside this thread's transaction, if one is open)."""
        return self.engine.query(sql, params)

    @property
    def spans_hosts(self) -> bool:
        """Whether replicas on other hosts may share this database (PostgreSQL; a SQLite file
        is shared only by processes of this host, and so by its clock)."""
        return self.engine.name == "postgresql"

    def database_time(self) -> tuple[int, int, int]:
        """The PostgreSQL server's clock now (what replicas on several hosts agree on), with
        this host's time.time_ns() just before and after the one round trip (clock.Reading):
        taken inside the engine's lock, so waiting for another transaction is not counted."""
        sql = "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)"  # µs
        return self.engine.timed(sql)

    def reachable(self) -> bool:
        """Whether the database answers now (a lost PostgreSQL connection is opened again)."""
        try:
            self.query("SELECT 1")
        except Exception:  # whatever the driver raises: the probe says no, never a trace
            return False
        return True

    def insert_numbered(self, counter: str, table: str, key: str, values: Sequence[Any]) -> int:
        """Insert a row whose first column, `key`, is the named counter's next number (from
        1); the number. Rows become visible in the order of their numbers, on any worker or
        replica, so a reader going by `key > last seen` never skips one."""
        return self.engine.insert_numbered(counter, table, key, values)

    def value(self, name: str, default: int) -> int:
        """The named value, or `default` (stored as it) if it was never set."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sandbox_values VALUES (?, ?) ON CONFLICT DO NOTHING", (name, default)
            )
            row = db.execute("SELECT value FROM sandbox_values WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def peek(self, name: str, default: int) -> int:
        """The named value without storing the default: a read takes no write lock."""
        rows = self.query("SELECT value FROM sandbox_values WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else default

    def set_value(self, name: str, value: int) -> None:
        self.query(_SET_VALUE, (name, value))

    def add_value(self, name: str, delta: int, default: int = 0) -> int:
        """Add `delta` to the named value (starting from `default`) and return the sum."""
        # One statement, no transaction of its own around it: on PostgreSQL the value's row
        # is locked for the statement, not for round trips after it.
        return int(self.query(ADD_TO_VALUE, (name, default + delta, delta))[0][0])

    def close(self) -> None:
        self.engine.close()


_SET_VALUE = (
    "INSERT INTO sandbox_values VALUES (?, ?)"
    " ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)


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
