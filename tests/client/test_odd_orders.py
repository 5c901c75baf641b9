"""Odd answers about orders and trades: never a second placement, a wrong order or a loop."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from integral_mock.client import (
    OrderRequest,
    SpotRate,
    TransportError,
)
from tests.client.fake_server import (
    ORDERS,
    RATE,
    SPOT,
    START,
    Answer,
    error,
)


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


@pytest.mark.parametrize(
    "answer",
    [
        Answer(202, _order(co_id="someone-else")),
        Answer(202, {"status": "RECEIVED"}),
        Answer(202, b"<html>accepted</html>"),
        Answer(202, json.dumps(_order()).encode()[:40], {"Content-Length": "400"}),
    ],
    ids=["another coId", "no order", "not JSON", "cut mid-body"],
)
def test_an_accepted_placement_not_found_under_its_coid_is_never_resent(server, odd, answer):
    # The status line said 202: the order is in, whatever its body; a second POST could trade
    # twice even when the look-up (too early, or a lagging replica) finds nothing yet.
    server.script("POST", ORDERS, answer)
    server.script("GET", ORDERS, error(404, "NOT_FOUND"))

    with pytest.raises(TransportError) as caught:
        odd.place_order(_pq())

    assert server.count("POST", ORDERS) == 1
    assert "not resent" in caught.value.__notes__[-1]


def test_a_lost_placement_whose_lookup_answers_another_order_is_not_taken(server, odd):
    server.script("POST", ORDERS, Answer(202, b""))
    server.script("GET", ORDERS, Answer(200, _order(co_id="someone-else")))

    with pytest.raises(TransportError, match="coId 'c1'") as caught:
        odd.place_order(_pq())

    assert server.count("POST", ORDERS) == 1
    assert "look it up by coId" in caught.value.__notes__[0]


def test_a_placement_answer_cut_mid_body_is_looked_up_not_resent(server, odd):
    cut = Answer(202, json.dumps(_order()).encode()[:40], {"Content-Length": "400"})
    server.script("POST", ORDERS, cut)
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert server.count("POST", ORDERS) == 1


@pytest.mark.parametrize("offer", ["1.123456789012345678901", "1E+99999"])
def test_a_quote_that_cannot_be_sent_back_exactly_is_not_traded(server, odd, offer):
    server.script("GET", SPOT, Answer(200, {**RATE, "offer": offer}))

    with pytest.raises(TransportError, match="cannot be traded"):
        odd.trade_pq("EUR/USD", "Buy", 1000)

    assert server.count("POST", ORDERS) == 0


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


def test_a_trade_whose_execution_time_is_no_time_is_refused(server, odd):
    server.script("GET", MESSAGES, Answer(200, [{**_trade("T1"), "executionTime": "yesterday"}]))

    with pytest.raises(TransportError, match="executionTime"):
        assert odd.get_trade_messages()[0].executed_at


def test_an_accepted_cancel_with_an_unreadable_body_is_sent_once(server, odd):
    server.script("DELETE", ORDERS + "/1", Answer(202, b"<html>accepted</html>"))

    odd.cancel_order("1")

    assert server.count("DELETE", ORDERS + "/1") == 1
