"""Shared fixtures: a manual clock, a sandbox app, its test client and an `api` helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import Api, close_app


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
