"""The store out of reach: 503 STORE_UNAVAILABLE (health, Integral calls) once the PostgreSQL
server has gone; a cut connection heals; a SQLite file locked elsewhere is 503 in time."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.store import Store
from tests.helpers import Api, assert_error, close_app, pq_order
from tests.mock_server.store_support import fresh_postgres, module_cluster  # noqa: F401 - the `cluster` fixture
from tests.pg_cluster import Cluster, postgres_cluster
from tests.pg_tools import require_binaries

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


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
    url = fresh_postgres(cluster)
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
    url = fresh_postgres(cluster)
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
