"""Shared fixtures: a manual clock, a sandbox app, its test client and an `api` helper."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integral_mock import store
from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import Api, close_app
from tests.pg_cluster import postgres_cluster
from tests.pg_tools import require_binaries

# `INTEGRAL_TEST_ENGINE=postgresql` (tox -e postgres) runs the same tests with every in-memory
# store a private schema of a throwaway PostgreSQL server's; stores of a named file stay SQLite.
ENGINE = os.environ.get("INTEGRAL_TEST_ENGINE", "sqlite")


@pytest.fixture(scope="session")
def _postgres_engines() -> Iterator[list[store.Engine]]:
    """While the session runs on PostgreSQL: every in-memory store opened becomes a private
    schema of a server started for this test process; all are closed (dropped) at the end."""
    opened: list[store.Engine] = []
    if ENGINE == "sqlite":
        yield opened
        return
    assert ENGINE == "postgresql", f"INTEGRAL_TEST_ENGINE={ENGINE!r}: sqlite or postgresql"
    require_binaries()
    open_engine = store.open_engine

    def private_on_postgres(database: str, *, private: bool = False) -> store.Engine:
        if database not in store.IN_MEMORY:
            return open_engine(database, private=private)
        engine = open_engine(url, private=True)  # a schema of its own: no two apps share one
        opened.append(engine)
        return engine

    with postgres_cluster() as cluster, pytest.MonkeyPatch.context() as patch:
        url = cluster.url()
        patch.setattr(store, "open_engine", private_on_postgres)
        yield opened
        for engine in opened:
            engine.close()


@pytest.fixture(autouse=True)
def _engine_under_test(_postgres_engines: list[store.Engine]) -> Iterator[None]:
    """Close what this test opened (a test's apps are not all closed by it, and a PostgreSQL
    connection left to the garbage collector warns); what wider fixtures opened stays open."""
    before = len(_postgres_engines)
    yield
    for engine in _postgres_engines[before:]:
        engine.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config() -> Config:
    """Override in a module (or with indirect parametrize) to change settings."""
    return Config.default(validate_responses=True)


@pytest.fixture
def app(config: Config, clock: ManualClock) -> Iterator[Flask]:
    app = create_app(config, clock=clock)
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient, clock: ManualClock) -> Api:
    return Api(client, clock)
