"""Two apps on one PostgreSQL database (replicas) racing: order ids, one coId, one cancel,
and a whole-venue transaction beside another replica's."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.store import Store
from tests.helpers import EXAMPLE_LOGIN, Api, assert_error, close_app, pq_order
from tests.live_sandbox import wait_until
from tests.mock_server.store_support import fresh_postgres, module_cluster  # noqa: F401 - the `cluster` fixture
from tests.pg_cluster import Cluster

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8
ROUNDS = 10


@pytest.fixture
def replicas(cluster: Cluster) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one fresh PostgreSQL database: replicas sharing every piece of state."""
    url = fresh_postgres(cluster)
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
    url = fresh_postgres(cluster)
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
