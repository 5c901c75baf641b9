"""Workflow helpers: order builders, status ranks and a peek at the seeded market."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from integral_mock.app import create_app
from integral_mock.config import Config
from tests.helpers import EXAMPLE_LOGIN, Api, close_app

START_MS = 1_767_261_600_000  # ManualClock's default start: 2026-01-01 10:00:00 UTC
FINAL = {"FILLED", "REJECTED", "EXPIRED", "CANCELLED"}
RANK = {"RECEIVED": 0, "NEW": 1, "PARTIALLY_FILLED": 2, **dict.fromkeys(FINAL, 3)}
# Long enough for any immediate order: NEW by 300 ms, worked by 700 ms (delays plus jitter).
SETTLE_MS = 1000
_coids = itertools.count(1)


def new_order(kind: str, tif: str | None = None, **fields: Any) -> dict[str, Any]:
    """An order buying 1M EUR in EUR/USD, with `fields` on top."""
    order = {"coId": f"wf-{next(_coids)}", "type": kind, "side": "Buy", "symbol": "EUR/USD"}
    order |= {"currency": "EUR", "size": 1_000_000}
    if tif:
        order["timeInForce"] = tif
    return {**order, **fields}


def pips(price: float | Decimal, count: float) -> float:
    """`price` moved by `count` EUR/USD pips, rounded to the pair's five decimals."""
    return round(float(price) + count * 0.0001, 5)


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def assert_forward(statuses: list[str]) -> None:
    """Statuses as successive reads saw them never move back, and a final one never changes."""
    ranks = [RANK[s] for s in statuses]
    assert ranks == sorted(ranks), statuses
    finals = [s for s in statuses if s in FINAL]
    assert len(set(finals)) <= 1, statuses


def settled(api: Api, token: str, order_id: str, after_ms: int = SETTLE_MS) -> dict[str, Any]:
    """Move the clock `after_ms` on and read the order."""
    api.clock.advance(after_ms)
    return api.order(token, order_id)


class _PinnedClock:
    """A clock that goes wherever it is told, back as well as forth: only the peek uses it."""

    def __init__(self) -> None:
        self.at = 0

    def now_ms(self) -> int:
        return self.at


class Market:
    """The seeded market at any instant, read over HTTP from a second sandbox with the same seed.

    Prices are a pure function of (seed, pair, time), so this peek sees what the sandbox under
    test will see at that instant, before (or after) its own clock gets there.
    """

    def __init__(self, config: Config) -> None:
        self.seed = config.seed
        self._clock = _PinnedClock()
        lifetime = 10**13  # one login serves every instant the tests look at
        self.app: Flask = create_app(
            config.replace(token_lifetime_ms=lifetime), clock=self._clock, sleep=lambda _: None
        )
        self._client: FlaskClient = self.app.test_client()
        login = self._client.post("/v2/sso/login", json=EXAMPLE_LOGIN)
        self._token = str(login.headers["SSO_TOKEN"])

    def quote(self, at_ms: int, symbol: str = "EUR%2FUSD") -> dict[str, Any]:
        self._clock.at = at_ms
        response = self._client.get(
            f"/v2/rates/spot?symbol={symbol}", headers={"SSO_TOKEN": self._token}
        )
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def seconds(self, start_ms: int, count: int) -> list[dict[str, Any]]:
        """Quotes at the `count` whole seconds after `start_ms`, the grid resting orders meet.

        An order placed on a whole second (as the clock starts) is first matched at the next
        one, by which time it is NEW.
        """
        first = start_ms // 1000 * 1000 + 1000
        return [self.quote(first + k * 1000) for k in range(count)]

    def close(self) -> None:
        close_app(self.app)
