"""Helpers for the sandbox controls' tests: the `Admin` one-liners and apps a test makes itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integral_mock.app import create_app
from integral_mock.config import Config
from tests.helpers import Api, close_app


class Admin:
    """The /__admin API as one-liners; every answer is checked against sandbox.yaml by the app."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(
        self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None
    ) -> TestResponse:
        return self.client.open(
            f"/__admin{path}", method=method, json=body, query_string=query, headers=self.headers
        )

    def ok(
        self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        response = self.call(method, path, body, query)
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.json

    def fault(self, **rule: Any) -> dict[str, Any]:
        return dict(self.ok("POST", "/faults", rule))

    def outcome(self, **rule: Any) -> dict[str, Any]:
        return dict(self.ok("POST", "/outcomes", rule))

    def journal(self, **query: Any) -> list[dict[str, Any]]:
        return list(self.ok("GET", "/journal", query=query))

    def orders(self, **query: Any) -> list[dict[str, Any]]:
        return list(self.ok("GET", "/orders", query=query))


@contextmanager
def made_app(config: Config, **options: Any) -> Iterator[Flask]:
    """`create_app(config, **options)` for one test, its store closed afterwards."""
    app = create_app(config, **options)
    try:
        yield app
    finally:
        close_app(app)


def api_of(app: Flask) -> Api:
    """The `api` helper for an app a test made itself, on that app's own clock."""
    return Api(app.test_client(), app.extensions["integral-mock"].clock)


def placed_with(api: Api, token: str, headers: dict[str, str], **changes: Any) -> TestResponse:
    """Place a valid PQ order for 1M EUR/USD with extra request headers."""
    order = api.pq_order(api.spot(token), **changes)
    return api.client.post("/v2/orders", json=order, headers={"SSO_TOKEN": token, **headers})
