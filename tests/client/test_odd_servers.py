"""Servers that answer oddly or wrongly: each answer is a typed result or a documented error."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from integral_mock.client import (
    BadRequest,
    Forbidden,
    IntegralClient,
    OrderRequest,
    RetryPolicy,
    SpotRate,
    TransportError,
)
from tests.client.fake_server import (
    PASSWORD,
    START,
    Answer,
    FakeServer,
    SteppedTime,
    client_of,
    error,
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
    level = {**RATE, "provider": "LP-Alpha"}
    book = {"symbol": "EUR/USD", "type": "RAW", "time": START, "levels": [level]}
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


RENEW = "/v2/sso/token/renew"


def _renewed_body() -> dict[str, object]:
    """A renewal's body, answered without the SSO_TOKEN header the spec requires."""
    body: dict[str, object] = login_ok().body
    return {**body, "valid": True, "apiVersion": "1.0.1", "expired": False}


@pytest.mark.parametrize(
    "renewal",
    [error(404, "NOT_FOUND"), error(405, "METHOD_NOT_ALLOWED"), Answer(200, _renewed_body())],
    ids=["404", "405", "no token"],
)
def test_a_renewal_that_fails_is_a_new_login_not_a_failed_call(server, odd, time_, renewal):
    first, second = login_ok("first-token-0123456", 120_000), login_ok("second-token-0123")
    server.script("POST", LOGIN, first, second)
    server.script("GET", RENEW, renewal)
    server.script("GET", SPOT, Answer(200, RATE))
    odd.get_spot_rate("EUR/USD")
    time_.now = 100  # within the 60 s renew margin of the 120 s token

    assert odd.get_spot_rate("EUR/USD").rate_id == "r1"

    assert server.count("POST", LOGIN) == 2
    assert "second-token-0123" in server.seen[-1].headers["Cookie"]


def test_a_token_is_sent_without_the_spaces_around_it(server, odd):
    server.script("POST", LOGIN, login_ok("  spaced-token-0123  "))
    server.script("GET", SPOT, Answer(200, RATE))

    odd.get_spot_rate("EUR/USD")

    assert server.seen[-1].headers["Cookie"] == "SSO_TOKEN=spaced-token-0123"


def test_a_password_or_token_echoed_in_an_error_is_hidden(server, odd):
    tuples = [{"field": "pass", "value": PASSWORD}]
    echo = error(400, "INVALID_REQUEST", f"bad login {{'pass': {PASSWORD!r}}}")
    echo.body["responseTuples"] = tuples
    server.script("POST", LOGIN, echo, login_ok("the-token-012345678"))
    server.script("GET", SPOT, error(403, "FORBIDDEN", "token the-token-012345678 may not"))

    with pytest.raises(BadRequest) as login:
        odd.login()
    with pytest.raises(Forbidden) as call:
        odd.get_spot_rate("EUR/USD")

    shown = [str(login.value), repr(login.value.response_tuples), str(call.value)]
    assert not [text for text in shown if PASSWORD in text or "the-token" in text]
    assert "<password hidden>" in shown[0]
    assert "<token hidden>" in shown[2]


MESSAGES = "/v2/trades/stp/messages"


def _trade(trade_id: str, event: str = "NEW") -> dict[str, object]:
    return {
        **{"orderId": "1", "tradeId": trade_id, "coId": "c1", "event": event},
        **{"tradeType": "Spot", "tradeDate": "2024-01-02", "valueDate": "2024-01-04"},
        **{"maker": False, "side": "Buy", "status": "Verified", "symbol": "EUR/USD"},
        **{"currency": "EUR", "customerAccount": "a", "customerOrg": "o", "user": "u"},
        **{"counterparty": "cp", "channel": "API/REST/ESP", "dealtAmount": 1000},
        "executionTime": "2024-01-02 10:00:00,000 +0000",
    }


def test_a_download_that_never_empties_ends(server, odd):
    # A server that does not consume what it hands out answers the same batch forever.
    server.script("GET", MESSAGES, Answer(200, [_trade("T1"), _trade("T2")]))

    with pytest.raises(TransportError, match="3 batches of repeats") as caught:
        odd.download_trades()

    assert server.count("GET", MESSAGES) == 4
    assert "2 trades were downloaded" in caught.value.__notes__[0]


def test_a_trade_answered_twice_is_downloaded_once(server, odd):
    twice = [_trade("T1"), _trade("T1"), _trade("T1", "RESEND")]
    server.script("GET", MESSAGES, Answer(200, twice), Answer(200, [_trade("T1")]), Answer(200, []))

    trades = odd.download_trades()

    assert [(t.trade_id, t.event.value) for t in trades] == [("T1", "NEW"), ("T1", "RESEND")]


def test_a_body_trickling_in_past_the_timeout_is_a_timeout(server, time_):
    # Each byte comes well within the timeout; the body as a whole would take 3 s.
    server.script("GET", SPOT, Answer(200, [b" "] * 15 + [b"{}"], pace=0.2))
    started = time.monotonic()

    with client_of(server, time_, timeout=0.5, retry=RetryPolicy(retries=0)) as client:
        with pytest.raises(TransportError, match="within the timeout"):
            client.get_spot_rate("EUR/USD")

    assert time.monotonic() - started < 1.5


def test_a_placement_answer_cut_mid_body_is_looked_up_not_resent(server, odd):
    cut = Answer(202, json.dumps(_order()).encode()[:40], {"Content-Length": "400"})
    server.script("POST", ORDERS, cut)
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert server.count("POST", ORDERS) == 1


def test_a_book_without_levels_is_refused_not_an_index_error_later(server, odd):
    book = {"symbol": "EUR/USD", "type": "FULL", "time": START, "levels": []}
    server.script("GET", f"{SPOT}/FULL", Answer(200, book))

    with pytest.raises(TransportError, match="at least one level"):
        assert odd.spot_book("EUR/USD").best


def test_a_trade_whose_execution_time_is_no_time_is_refused(server, odd):
    server.script("GET", MESSAGES, Answer(200, [{**_trade("T1"), "executionTime": "yesterday"}]))

    with pytest.raises(TransportError, match="executionTime"):
        assert odd.get_trade_messages()[0].executed_at


@pytest.mark.parametrize("offer", ["1.123456789012345678901", "1E+99999"])
def test_a_quote_that_cannot_be_sent_back_exactly_is_not_traded(server, odd, offer):
    server.script("GET", SPOT, Answer(200, {**RATE, "offer": offer}))

    with pytest.raises(TransportError, match="cannot be traded"):
        odd.trade_pq("EUR/USD", "Buy", 1000)

    assert server.count("POST", ORDERS) == 0
