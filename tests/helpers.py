"""Test helpers: the example logins, the `Api` workflow helper and error-object checks."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integral_mock.clock import ManualClock

EXAMPLE_LOGIN = {
    "user": "apiUserId",
    "pass": "This is a long password!",
    "org": "apiOrganizationId",
}
TRADER_B = {"user": "traderB", "pass": "traderB-pass", "org": "orgB"}
VIEWER = {"user": "viewer", "pass": "viewer-pass", "org": "apiOrganizationId"}
ERROR_KEYS = {"status", "errorCode", "errorMessage", "responseTuples"}


def close_app(app: Flask) -> None:
    """Close the app's SQLite connection (an unclosed one warns on newer Pythons)."""
    app.extensions["integral-mock"].venue.store.close()


class Api:
    """Tutorial steps as one-liners, so a test reads as the workflow it checks."""

    def __init__(self, client: FlaskClient, clock: ManualClock) -> None:
        self.client = client
        self.clock = clock

    def login(self, credentials: dict[str, str] | None = None) -> TestResponse:
        return self.client.post("/v2/sso/login", json=credentials or EXAMPLE_LOGIN)

    def token(self, credentials: dict[str, str] | None = None) -> str:
        response = self.login(credentials)
        assert response.status_code == 200, response.json
        return str(response.headers["SSO_TOKEN"])

    def get(self, path: str, token: str, headers: dict[str, str] | None = None) -> TestResponse:
        return self.client.get(path, headers={"SSO_TOKEN": token, **(headers or {})})

    def spot(self, token: str, symbol: str = "EUR%2FUSD") -> dict[str, Any]:
        response = self.get(f"/v2/rates/spot?symbol={symbol}", token)
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def pq_order(self, quote: dict[str, Any], **changes: Any) -> dict[str, Any]:
        return pq_order(quote, **changes)

    def place(self, token: str, order: dict[str, Any]) -> TestResponse:
        return self.client.post("/v2/orders", json=order, headers={"SSO_TOKEN": token})

    def placed(self, token: str, order: dict[str, Any]) -> dict[str, Any]:
        """Place `order`, insist on 202 RECEIVED, and return the answer."""
        response = self.place(token, order)
        assert response.status_code == 202, response.json
        assert response.json is not None
        assert response.json["status"] == "RECEIVED"
        return dict(response.json)

    def order(self, token: str, order_id: str) -> dict[str, Any]:
        response = self.get(f"/v2/orders/{order_id}", token)
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def status_at(self, token: str, order_id: str, at_ms: int) -> str:
        """Move the clock to `at_ms` (never back) and read the order's status."""
        self.clock.advance(at_ms - self.clock.now_ms())
        return str(self.order(token, order_id)["status"])

    def active(self, token: str) -> list[dict[str, Any]]:
        response = self.get("/v2/orders", token)
        assert response.status_code == 200, response.json
        return list(response.json or [])


def pq_order(quote: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A PQ order that buys 1M base at the quote's offer, with `changes` applied."""
    order = {
        "coId": f"co-{quote['rateId']}",
        "type": "PQ",
        "timeInForce": "FOK",
        "side": "Buy",
        "symbol": quote["symbol"],
        "currency": quote["symbol"].partition("/")[0],
        "size": 1_000_000,
        "price": quote["offer"],
        "rateId": quote["rateId"],
    }
    return {**order, **changes}


def resting_order(co_id: str) -> dict[str, Any]:
    """A Limit GTC buy of EUR/USD at 0.5, far under the market: it rests NEW until cancelled."""
    return {
        "coId": co_id,
        "type": "Limit",
        "timeInForce": "GTC",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1000,
        "price": 0.5,
    }


def assert_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """`response` is the spec's error object with `status` and `code`; returns the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert isinstance(body, dict)
    assert set(body) == ERROR_KEYS
    assert body["status"] == "ERROR"
    assert body["errorCode"] == code
    assert body["errorMessage"]
    assert response.headers.get("X-Request-ID")
    return body


def error_fields(body: dict[str, Any]) -> set[str]:
    return {problem["field"] for problem in body["responseTuples"] or ()}
