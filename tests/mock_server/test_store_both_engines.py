"""The store on both engines (SQLite, PostgreSQL): its schema version, transactions, and
counters added from many threads."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from integral_mock.store import Store, StoreError
from tests.mock_server.store_support import fresh_postgres, module_cluster  # noqa: F401 - the `cluster` fixture

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8
INCREMENTS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: a SQLite file's path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return fresh_postgres(request.getfixturevalue("cluster"))


@pytest.fixture
def opened(database: str) -> Iterator[Callable[[], Store]]:
    """Open stores on `database`; all are closed after the test."""
    stores: list[Store] = []

    def open_store() -> Store:
        stores.append(Store(database))
        return stores[-1]

    yield open_store
    for store in stores:
        store.close()


def _version_row(database: str) -> list[int]:
    """schema_version read with the driver itself (a Store refuses to open such a database)."""
    if database.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(database) as connection:
            rows = connection.execute("SELECT version FROM schema_version").fetchall()
    else:
        with sqlite3.connect(database) as connection:
            rows = connection.execute("SELECT version FROM schema_version").fetchall()
        connection.close()
    return [row[0] for row in rows]


def test_a_fresh_store_records_schema_version_3(opened: Callable[[], Store]) -> None:
    store = opened()
    assert [row[0] for row in store.query("SELECT version FROM schema_version")] == [3]


def test_reopening_the_same_database_keeps_its_rows(
    database: str, opened: Callable[[], Store]
) -> None:
    first = opened()
    first.set_value("kept", 41)
    assert first.add_value("kept", 1) == 42
    first.close()
    again = opened()
    assert again.peek("kept", 0) == 42
    assert [row[0] for row in again.query("SELECT version FROM schema_version")] == [3]


def test_a_database_of_a_newer_version_is_refused_and_left_as_it_is(
    database: str, opened: Callable[[], Store]
) -> None:
    store = opened()
    with store.transaction() as db:
        db.execute("UPDATE schema_version SET version = ?", (99,))
    store.set_value("untouched", 7)
    store.close()
    with pytest.raises(StoreError) as refused:
        Store(database)
    message = str(refused.value)
    assert "version 99" in message
    assert "newer" in message
    assert "upgrade" in message
    assert _version_row(database) == [99]  # not rewritten to 3, not duplicated


def test_a_transaction_that_raises_is_rolled_back_whole(opened: Callable[[], Store]) -> None:
    store = opened()
    store.set_value("before", 1)

    def fails_halfway() -> None:
        with store.transaction() as db:
            db.execute("UPDATE sandbox_values SET value = ? WHERE name = ?", (2, "before"))
            db.execute("INSERT INTO sandbox_values VALUES (?, ?)", ("inside", 5))
            store.set_value("also-inside", 6)
            raise ZeroDivisionError("after three writes")

    with pytest.raises(ZeroDivisionError):
        fails_halfway()
    assert store.peek("before", -1) == 1
    assert store.peek("inside", -1) == -1
    assert store.peek("also-inside", -1) == -1
    store.set_value("after", 3)  # the connection is usable again, outside any transaction
    assert store.peek("after", -1) == 3


def test_a_nested_transaction_joins_the_outer_one(opened: Callable[[], Store]) -> None:
    store, other = opened(), opened()
    with store.transaction():
        with store.transaction() as inner:
            inner.execute("INSERT INTO sandbox_values VALUES (?, ?)", ("joined", 1))
        # The inner block has ended but nothing is committed: another connection sees nothing.
        assert other.peek("joined", -1) == -1
        assert store.peek("joined", -1) == 1  # this connection sees its own transaction
    assert other.peek("joined", -1) == 1

    def outer_fails_after_inner() -> None:
        with store.transaction():
            with store.transaction() as inner:
                inner.execute("INSERT INTO sandbox_values VALUES (?, ?)", ("lost", 1))
            raise KeyError("the outer block fails after the inner one ended")

    with pytest.raises(KeyError):
        outer_fails_after_inner()
    assert store.peek("lost", -1) == -1
    assert other.peek("lost", -1) == -1


def test_add_value_from_many_threads_on_two_stores_sums_exactly(
    opened: Callable[[], Store],
) -> None:
    stores = (opened(), opened())  # two connections: two processes on one database

    def add(thread: int) -> list[int]:
        store = stores[thread % 2]
        return [store.add_value("counter", 1) for _ in range(INCREMENTS)]

    with ThreadPoolExecutor(THREADS) as pool:
        sums = [s for each in pool.map(add, range(THREADS)) for s in each]
    total = THREADS * INCREMENTS
    assert sorted(sums) == list(range(1, total + 1))  # each sum handed out once
    assert stores[0].peek("counter", 0) == stores[1].peek("counter", 0) == total


def test_serialize_outside_a_transaction_is_refused(opened: Callable[[], Store]) -> None:
    store = opened()
    with pytest.raises(AssertionError, match="inside a transaction"):
        store.serialize("next-order-id")
    with store.transaction():
        store.serialize("next-order-id")  # inside one it is fine
