"""Servers that answer oddly or wrongly: each answer is a typed result or a documented error."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from integral_mock.client import IntegralClient, OrderRequest, SpotRate, TransportError
from tests.client.fake_server import (
    START,
    Answer,
    FakeServer,
    SteppedTime,
    client_of,
    login_ok,
    serving,
)

LOGIN, SPOT, ORDERS = "/v2/sso/login", "/v2/rates/spot", "/v2/orders"
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


def _order(co_id: str = "c1", order_id: str = "1", status: str = "RECEIVED") -> dict[str, object]:
    return {
        "coId": co_id,
        "orderId": order_id,
        "org": "o",
        "userFullName": "u@o",
        "action": "place",
        "status": status,
        "type": "PQ",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1000,
        "price": 1.2,
        "timeInForce": "FOK",
        "rateId": "r1",
    }


def _pq(co_id: str = "c1") -> OrderRequest:
    rate = SpotRate(
        symbol="EUR/USD",
        bid=Decimal("1.1"),
        offer=Decimal("1.2"),
        bid_limit=Decimal(1e6),
        offer_limit=Decimal(1e6),
        time=START,
        rate_id="r1",
    )
    return OrderRequest.pq(rate, "Buy", 1000, co_id=co_id)


def test_a_rate_for_another_pair_is_refused(server, odd):
    # trade_pq orders the rate's own symbol: USD/JPY asked, EUR/USD traded.
    server.script("GET", SPOT, Answer(200, RATE))

    with pytest.raises(TransportError, match="symbol 'USD/JPY'"):
        odd.get_spot_rate("USD/JPY")


def test_a_book_of_another_type_or_pair_is_refused(server, odd):
    book = {"symbol": "EUR/USD", "type": "RAW", "time": START, "levels": []}
    server.script("GET", f"{SPOT}/FULL", Answer(200, book))
    server.script("GET", f"{SPOT}/RAW", Answer(200, {**book, "symbol": "GBP/USD"}))

    with pytest.raises(TransportError, match="book type"):
        odd.spot_book("EUR/USD")
    with pytest.raises(TransportError, match="symbol"):
        odd.get_spot_rate_by_type("RAW", "EUR/USD")


def test_a_read_answering_another_order_is_refused(server, odd):
    server.script("GET", ORDERS + "/1", Answer(200, _order(order_id="2", status="FILLED")))
    server.script("GET", ORDERS, Answer(200, _order(co_id="someone-else")))

    with pytest.raises(TransportError, match="orderId '1'"):
        odd.wait_for_final("1")
    with pytest.raises(TransportError, match="coId 'c1'"):
        odd.query_orders("c1")


def test_a_placement_echoing_another_coid_is_looked_up_by_ours(server, odd):
    server.script("POST", ORDERS, Answer(202, _order(co_id="someone-else")))
    server.script("GET", ORDERS, Answer(200, _order()))

    order = odd.place_order(_pq())

    assert (order.co_id, server.count("POST", ORDERS)) == ("c1", 1)
    assert "coId=c1" in server.seen[-1].query


def test_a_lost_placement_whose_lookup_answers_another_order_is_not_taken(server, odd):
    server.script("POST", ORDERS, Answer(202, b""))
    server.script("GET", ORDERS, Answer(200, _order(co_id="someone-else")))

    with pytest.raises(TransportError, match="coId 'c1'") as caught:
        odd.place_order(_pq())

    assert server.count("POST", ORDERS) == 1
    assert "look it up by coId" in caught.value.__notes__[0]
