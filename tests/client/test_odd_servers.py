"""Servers that answer oddly or wrongly: each answer is a typed result or a documented error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integral_mock.client import IntegralClient, TransportError
from tests.client.fake_server import (
    START,
    Answer,
    FakeServer,
    SteppedTime,
    client_of,
    login_ok,
    serving,
)

LOGIN, SPOT = "/v2/sso/login", "/v2/rates/spot"
RATE = {
    "symbol": "EUR/USD",
    "bid": 1.1,
    "offer": 1.2,
    "bidLimit": 1e6,
    "offerLimit": 1e6,
    "time": START,
    "rateId": "r1",
}


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with serving(FakeServer()) as fake:
        fake.script("POST", LOGIN, login_ok())
        yield fake


@pytest.fixture
def time_() -> SteppedTime:
    return SteppedTime()


@pytest.fixture
def odd(server: FakeServer, time_: SteppedTime) -> Iterator[IntegralClient]:
    with client_of(server, time_) as client:
        yield client


def test_json_nested_past_the_stack_is_a_transport_error(server, odd):
    server.script("GET", SPOT, Answer(200, b"[" * 100_000))

    with pytest.raises(TransportError, match="not JSON"):
        odd.get_spot_rate("EUR/USD")
