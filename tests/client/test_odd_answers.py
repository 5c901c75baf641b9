"""Answers a drifted server gives that its status line gets wrong: errors in 2xx, huge bodies."""

from __future__ import annotations

import pytest

from integral_mock.client import ApiError, BadRequest, TransportError
from tests.client.fake_server import ORDERS, SPOT, Answer, error
from tests.client.test_odd_orders import _order, _pq

MIB = 1 << 20


def test_a_cancel_answered_200_with_an_error_object_is_that_error(server, odd):
    # A venue refusing in the body of a 2xx: the order was not cancelled, whatever the status.
    server.script("DELETE", ORDERS + "/1", Answer(200, error(200, "ORDER_FINAL", "filled").body))

    with pytest.raises(ApiError) as caught:
        odd.cancel_order("1")

    assert (caught.value.status, caught.value.error_code) == (200, "ORDER_FINAL")
    assert not isinstance(caught.value, BadRequest)
    assert server.count("DELETE", ORDERS + "/1") == 1


def test_a_cancel_all_answered_202_with_an_error_object_is_that_error(server, odd):
    server.script("DELETE", ORDERS, Answer(202, error(202, "FORBIDDEN", "no trading").body))

    with pytest.raises(ApiError, match="FORBIDDEN"):
        odd.cancel_all_orders()


def test_a_body_past_the_size_limit_is_refused_not_held_in_memory(server, odd):
    server.script("GET", SPOT, Answer(200, [b" " * MIB] * 40))

    with pytest.raises(TransportError, match="over 32 MiB"):
        odd.get_spot_rate("EUR/USD")


def test_a_huge_placement_answer_is_looked_up_not_resent(server, odd):
    server.script("POST", ORDERS, Answer(202, [b" " * MIB] * 40))
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert server.count("POST", ORDERS) == 1


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("GET", SPOT, lambda c: c.get_spot_rate("EUR/USD")),
        ("GET", ORDERS + "/1", lambda c: c.get_order("1")),
        ("GET", ORDERS, lambda c: c.query_orders("c1")),
        ("GET", "/v2/positions", lambda c: c.get_positions()),
    ],
    ids=["spot rate", "order", "order by coId", "positions"],
)
def test_a_read_answered_200_with_an_error_object_is_that_error(server, odd, method, path, call):
    server.script(method, path, Answer(200, error(200, "UNKNOWN_SYMBOL", "no such pair").body))

    with pytest.raises(ApiError) as caught:
        call(odd)

    assert (caught.value.status, caught.value.error_code) == (200, "UNKNOWN_SYMBOL")
    assert caught.value.error_message == "no such pair"
