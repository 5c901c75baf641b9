"""An order is placed once: lost answers are resolved by looking the order up by coId."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integral_mock.client import OrderRequest, OrderStatus, ServerError, Side, TransportError

ORDERS = ("POST", "/v2/orders")
LOOKUP = ("GET", "/v2/orders")


def _order(client):
    return OrderRequest.pq(client.spot_rate("EUR/USD"), Side.BUY, Decimal(250_000))


@pytest.mark.parametrize("fault", ["lose", "timeout"])
def test_an_answer_lost_after_the_order_landed_is_found_by_coid(client, faults, fault):
    request = _order(client)
    faults.add(*ORDERS, fault)

    placed = client.place_order(request)

    assert placed.co_id == request.co_id
    assert placed.status is OrderStatus.RECEIVED
    assert faults.sent.count(ORDERS) == 1
    assert [o.co_id for o in client.active_orders()] == [request.co_id]


def test_a_request_that_never_left_is_sent_again_once_the_server_says_404(client, faults):
    request = _order(client)
    faults.add(*ORDERS, "refuse")

    placed = client.place_order(request)

    assert placed.co_id == request.co_id
    assert faults.sent.count(ORDERS) == 1
    assert faults.sent.count(LOOKUP) == 1
    assert [o.order_id for o in client.active_orders()] == [placed.order_id]


@pytest.mark.parametrize("status", ["status:500", "status:503:1", "status:429:2"])
def test_an_error_status_on_placing_is_checked_by_coid_before_any_resend(
    client, faults, virtual_time, status
):
    request = _order(client)
    faults.add(*ORDERS, status)

    placed = client.place_order(request)

    assert placed.co_id == request.co_id
    assert faults.sent.count(ORDERS) == 1  # the injected answer was never sent to the server
    assert faults.sent.count(LOOKUP) == 1
    retry_after = status.split(":")[2:]
    if retry_after:
        assert virtual_time.sleeps == [float(retry_after[0])]


def test_a_lost_answer_and_a_failing_lookup_still_find_the_order(client, faults):
    request = _order(client)
    faults.add(*ORDERS, "lose")
    faults.add(*LOOKUP, "refuse", "status:503:1")

    placed = client.place_order(request)

    assert client.get_order_by_coid(request.co_id).order_id == placed.order_id
    assert faults.sent.count(ORDERS) == 1


def test_a_lookup_too_early_ends_in_duplicate_coid_and_returns_the_landed_order(client, faults):
    request = _order(client)
    # The POST is committed but its answer lost; the look-up claims 404 (as when it overtakes a
    # slow POST), so the client re-sends, and DUPLICATE_COID tells it the first one landed.
    faults.add(*ORDERS, "lose")
    faults.add(*LOOKUP, "status:404")

    placed = client.place_order(request)

    assert placed.co_id == request.co_id
    assert faults.sent.count(ORDERS) == 2
    assert len(client.active_orders()) == 1


def test_when_the_outcome_cannot_be_learnt_the_error_says_so(client, faults):
    request = _order(client)
    faults.add(*ORDERS, "lose")
    faults.add(*LOOKUP, *["refuse"] * 4)

    with pytest.raises(TransportError) as caught:
        client.place_order(request)

    assert request.co_id in " ".join(caught.value.__notes__)
    assert faults.sent.count(ORDERS) == 1


def test_placing_gives_up_after_its_retry_budget(client, faults, virtual_time):
    request = _order(client)
    faults.add(*ORDERS, *["status:500"] * 4)

    with pytest.raises(ServerError):
        client.place_order(request)

    assert faults.sent.count(LOOKUP) == 4  # one look-up per failed attempt, none succeeded
    assert len(virtual_time.sleeps) == 3


def test_trade_pq_survives_a_lost_answer_and_fills_once(client, faults):
    faults.add(*ORDERS, "lose")

    order = client.trade_pq("EUR/USD", "Buy", 1_000_000)

    assert order.status is OrderStatus.FILLED
    assert faults.sent.count(ORDERS) == 1
    assert client.get_order_by_coid(order.co_id).order_id == order.order_id
