"""The store on both engines: its schema version, transactions, counters from many threads;
on PostgreSQL, two replicas racing on one database, and a health probe that sees the server."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.store import Store, StoreError
from tests.helpers import EXAMPLE_LOGIN, Api, assert_error, close_app, pq_order
from tests.live_sandbox import wait_until
from tests.pg_cluster import Cluster, postgres_cluster
from tests.pg_tools import require_binaries

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8
INCREMENTS = 50
ROUNDS = 10
_names = itertools.count(1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the module, started only if a test needs it."""
    require_binaries()
    with postgres_cluster() as cluster:
        yield cluster


def _fresh_postgres(cluster: Cluster) -> str:
    return cluster.create_database(f"store_{next(_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: a SQLite file's path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return _fresh_postgres(request.getfixturevalue("cluster"))


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


# --- the store on both engines ------------------------------------------------------------


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


# --- two replicas on one PostgreSQL database ----------------------------------------------


@pytest.fixture
def replicas(cluster: Cluster) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one fresh PostgreSQL database: replicas sharing every piece of state."""
    url = _fresh_postgres(cluster)
    apps = tuple(create_app(Config.default(database=url), clock=ManualClock()) for _ in "ab")
    yield apps  # type: ignore[misc]
    for app in apps:
        close_app(app)


def _token(app: Flask) -> str:
    response = app.test_client().post("/v2/sso/login", json=EXAMPLE_LOGIN)
    assert response.status_code == 200, response.json
    return str(response.headers["SSO_TOKEN"])


def _quote(app: Flask, token: str) -> dict[str, Any]:
    return Api(app.test_client(), ManualClock()).spot(token)


def _both_at_once(calls: tuple[Callable[[], TestResponse], ...]) -> list[TestResponse]:
    """Each call in a thread of its own, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], TestResponse]) -> TestResponse:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_orders_placed_at_once_on_two_replicas_get_distinct_gapless_ids(
    replicas: tuple[Flask, Flask],
) -> None:
    token = _token(replicas[0])
    each = 10
    barrier = threading.Barrier(THREADS)

    def place(thread: int) -> list[TestResponse]:
        app = replicas[thread % 2]
        client = app.test_client()
        orders = [pq_order(_quote(app, token), coId=f"at-once-{thread}-{i}") for i in range(each)]
        barrier.wait(timeout=10)  # quotes in hand: every thread places at once
        return [client.post("/v2/orders", json=o, headers={"SSO_TOKEN": token}) for o in orders]

    with ThreadPoolExecutor(THREADS) as pool:
        answers = [a for each_thread in pool.map(place, range(THREADS)) for a in each_thread]
    assert [a.status_code for a in answers] == [202] * (THREADS * each), [
        a.json for a in answers if a.status_code != 202
    ]
    ids = sorted(int(a.json["orderId"]) for a in answers)  # type: ignore[index]
    assert len(set(ids)) == len(ids)
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no gaps
    for app in replicas:  # either replica reads every order, whichever took it
        client = app.test_client()
        for order_id in (ids[0], ids[-1]):
            found = client.get(f"/v2/orders/{order_id}", headers={"SSO_TOKEN": token})
            assert found.status_code == 200, found.json


def test_one_coid_placed_on_both_replicas_at_once_is_taken_once(
    replicas: tuple[Flask, Flask],
) -> None:
    token = _token(replicas[0])
    for round_ in range(ROUNDS):
        orders = [pq_order(_quote(app, token), coId=f"same-{round_}") for app in replicas]
        calls = tuple(
            lambda app=app, order=order: app.test_client().post(
                "/v2/orders", json=order, headers={"SSO_TOKEN": token}
            )
            for app, order in zip(replicas, orders, strict=True)
        )
        answers = sorted(_both_at_once(calls), key=lambda a: a.status_code)
        assert [a.status_code for a in answers] == [202, 400], [a.json for a in answers]
        assert_error(answers[1], 400, "DUPLICATE_COID")
        assert answers[0].json["coId"] == f"same-{round_}"  # type: ignore[index]


def test_one_order_cancelled_on_both_replicas_at_once_is_cancelled_once(
    replicas: tuple[Flask, Flask],
) -> None:
    token = _token(replicas[0])
    auth = {"SSO_TOKEN": token}
    for round_ in range(ROUNDS):
        bid = _quote(replicas[0], token)["bid"]
        resting = {"coId": f"rest-{round_}", "type": "Limit", "timeInForce": "GTC"}
        resting |= {"side": "Buy", "symbol": "EUR/USD", "currency": "EUR", "size": 1_000_000}
        resting["price"] = round(bid * 0.9, 5)  # far below the market: it rests on the book
        placed = replicas[round_ % 2].test_client().post("/v2/orders", json=resting, headers=auth)
        assert placed.status_code == 202, placed.json
        path = f"/v2/orders/{placed.json['orderId']}"  # type: ignore[index]
        calls = tuple(
            lambda app=app, path=path: app.test_client().delete(path, headers=auth)
            for app in replicas
        )
        answers = sorted(_both_at_once(calls), key=lambda a: a.status_code)
        statuses = [a.status_code for a in answers]
        assert statuses[0] < 300, [a.json for a in answers]
        assert statuses[1] == 400, [a.json for a in answers]
        assert_error(answers[1], 400, "ORDER_FINAL")
        for app in replicas:
            order = app.test_client().get(path, headers=auth)
            assert order.json["status"] == "CANCELLED", order.json  # type: ignore[index]


# --- health: the probe sees the PostgreSQL server -----------------------------------------


def _health(app: Flask) -> TestResponse:
    return app.test_client().get("/__admin/health")


def test_health_is_503_store_unavailable_once_the_server_has_gone() -> None:
    require_binaries()
    with ExitStack() as stack:
        with postgres_cluster() as cluster:
            config = Config.default(database=cluster.url(), validate_responses=True)
            app = create_app(config, clock=ManualClock())
            stack.callback(close_app, app)
            up = _health(app)
            assert up.status_code == 200, up.json
            assert up.json["status"] == "OK"  # type: ignore[index]
        for _ in range(2):  # the lost connection, then a reconnect refused: both 503
            down = _health(app)
            body = assert_error(down, 503, "STORE_UNAVAILABLE")
            text = down.get_data(as_text=True)
            assert "Traceback" not in text
            assert "psycopg" not in text
            assert cluster.url() not in body["errorMessage"]  # where the database is stays unsaid


def test_a_connection_the_server_terminates_heals_and_keeps_the_orders(cluster: Cluster) -> None:
    url = _fresh_postgres(cluster)
    name = url.rsplit("/", 1)[1]
    app = create_app(Config.default(database=url, validate_responses=True), clock=ManualClock())
    killer = Store(cluster.url())  # another connection, to the `postgres` database
    try:
        api = Api(app.test_client(), ManualClock())
        token = api.token()
        placed = api.placed(token, pq_order(api.spot(token), coId="before-the-cut"))
        assert _health(app).status_code == 200
        terminated = killer.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE pid <> pg_backend_pid() AND datname = ?",
            (name,),
        )
        assert [row[0] for row in terminated] == [True]  # the app's one connection
        statuses = []
        for _ in range(2):
            statuses.append(_health(app).status_code)
            if statuses[-1] == 200:
                break
        assert statuses[-1] == 200, statuses
        assert set(statuses[:-1]) <= {503}, statuses
        again = api.order(token, placed["orderId"])
        assert (again["orderId"], again["coId"]) == (placed["orderId"], "before-the-cut")
    finally:
        killer.close()
        close_app(app)


def test_an_integral_call_with_the_server_gone_answers_the_error_object() -> None:
    require_binaries()
    with ExitStack() as stack:
        with postgres_cluster() as cluster:
            app = create_app(Config.default(database=cluster.url()), clock=ManualClock())
            stack.callback(close_app, app)
            api = Api(app.test_client(), ManualClock())
            token = api.token()
        response = app.test_client().get("/v2/orders", headers={"SSO_TOKEN": token})
        assert_error(response, 503, "STORE_UNAVAILABLE")


def test_a_stored_manual_clock_out_of_reach_is_the_error_object_too() -> None:
    """`serve --clock manual` reads its time from the store before any view runs (for the
    faults and the journal): that read, too, answers 503, never a bare 500."""
    require_binaries()
    with ExitStack() as stack:
        with postgres_cluster() as cluster:
            app = create_app(Config.default(database=cluster.url(), clock="manual"))
            stack.callback(close_app, app)
            api = Api(app.test_client(), ManualClock())
            token = api.token()
        for path in ("/v2/orders", "/v2/rates/spot?symbol=EUR%2FUSD"):
            response = app.test_client().get(path, headers={"SSO_TOKEN": token})
            assert_error(response, 503, "STORE_UNAVAILABLE")
            assert response.headers["Retry-After"] == "1"


def test_after_the_server_terminates_the_connection_the_orders_are_read_again(
    cluster: Cluster,
) -> None:
    """What heals today: a request that opens a transaction connects again (the one in flight
    when the link went may fail, with the error object); the orders stored before are kept."""
    url = _fresh_postgres(cluster)
    name = url.rsplit("/", 1)[1]
    app = create_app(Config.default(database=url), clock=ManualClock())
    killer = Store(cluster.url())
    try:
        api = Api(app.test_client(), ManualClock())
        token = api.token()
        placed = api.placed(token, pq_order(api.spot(token), coId="kept-across-the-cut"))
        killer.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE pid <> pg_backend_pid() AND datname = ?",
            (name,),
        )
        answers = []
        for _ in range(2):
            answers.append(api.get(f"/v2/orders/{placed['orderId']}", token))
            if answers[-1].status_code == 200:
                break
        assert answers[-1].status_code == 200, [a.json for a in answers]
        for failed in answers[:-1]:
            assert_error(failed, 500, "INTERNAL_ERROR")
        assert answers[-1].json["coId"] == "kept-across-the-cut"  # type: ignore[index]
        assert _health(app).status_code == 200
    finally:
        killer.close()
        close_app(app)


def _waiting_on_a_lock(watcher: Store, database: str) -> bool:
    """Whether some session of `database` waits for a lock now (pg_stat_activity)."""
    rows = watcher.query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'",
        (database.rsplit("/", 1)[1],),
    )
    return bool(rows[0][0])


def test_a_whole_venue_transaction_waits_for_the_one_in_flight_on_another_replica(
    cluster: Cluster,
) -> None:
    """A reset or a reseed (whole_venue) never runs beside another transaction of any
    replica: it starts only once the one in flight has committed, and sees what it wrote."""
    url = _fresh_postgres(cluster)
    a, b, watcher = Store(url), Store(url), Store(url)
    done: list[str] = []
    try:
        with a.transaction():
            a.set_value("x", 1)
            whole = threading.Thread(target=lambda: _whole_venue_step(b, done))
            whole.start()
            wait_until(lambda: _waiting_on_a_lock(watcher, url))
            assert done == []  # still waiting for a's transaction
        whole.join(timeout=30)
        assert done == ["whole venue"]
        assert b.peek("x", 0) == 1
    finally:
        for store in (a, b, watcher):
            store.close()


def _whole_venue_step(store: Store, done: list[str]) -> None:
    with store.transaction(whole_venue=True):
        done.append("whole venue")


def test_a_state_file_another_process_keeps_locked_is_503_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that never lets go (a stuck process on the same file): a request waits its
    while, then gets the error object with Retry-After, not a 500."""
    from integral_mock.store import sqlite as sqlite_engine

    state = tmp_path / "state.sqlite3"
    app = create_app(Config.default(database=str(state)), clock=ManualClock())
    holder = sqlite3.connect(state, isolation_level=None)
    try:
        api = Api(app.test_client(), ManualClock())
        token = api.token()
        monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT_S", 0.2)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        response = api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)
        body = assert_error(response, 503, "STORE_UNAVAILABLE")
        assert response.headers["Retry-After"] == "1"
        assert "Traceback" not in body["errorMessage"]
        holder.execute("ROLLBACK")
        assert api.get("/v2/rates/spot?symbol=EUR%2FUSD", token).status_code == 200
    finally:
        holder.close()
        close_app(app)
