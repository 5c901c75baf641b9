"""The client against a live sandbox: the PQ workflow, its queries and its errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integral_mock.client import (
    Backoff,
    BadRequest,
    Forbidden,
    IntegralClient,
    NotFound,
    Order,
    OrderRejected,
    OrderRequest,
    OrderStatus,
    OrderTimeout,
    OrderType,
    Side,
    SpotRate,
    TimeInForce,
    Unauthorized,
)
from tests.client.support import TRADER_B, VIEWER


def test_trade_pq_fills_at_the_quoted_offer(make_client, recorder):
    # Polls at most 100 ms apart cannot miss NEW, which lasts a few hundred milliseconds.
    client = make_client(poll=Backoff(first=0.05, cap=0.1))
    events: list[SpotRate | Order] = []

    order = client.trade_pq("EUR/USD", Side.BUY, 1_000_000, on_event=events.append)

    rate = events[0]
    assert isinstance(rate, SpotRate)
    assert [e.status for e in events[1:] if isinstance(e, Order)] == [
        OrderStatus.RECEIVED,
        OrderStatus.NEW,
        OrderStatus.FILLED,
    ]
    assert order.status is OrderStatus.FILLED
    assert (order.type, order.time_in_force, order.rate_id) == (
        OrderType.PQ,
        TimeInForce.FOK,
        rate.rate_id,
    )
    assert order.price == rate.offer
    assert isinstance(order.price, Decimal)
    assert order.cum_qty == Decimal(1_000_000)
    assert order.leaves_qty == 0
    assert order.average_price == rate.offer
    assert recorder.paths("POST").count("/v2/orders") == 1


@pytest.mark.parametrize(
    ("side", "currency", "quoted"),
    [
        (Side.SELL, None, "bid"),
        (Side.BUY, "USD", "bid"),  # buying the term currency sells the base
        (Side.SELL, "USD", "offer"),
    ],
)
def test_trade_pq_uses_the_side_of_the_quote_the_deal_hits(client, side, currency, quoted):
    events: list[SpotRate | Order] = []

    order = client.trade_pq("EUR/USD", side, "500000", currency=currency, on_event=events.append)

    rate = events[0]
    assert isinstance(rate, SpotRate)
    assert order.status is OrderStatus.FILLED
    assert order.price == getattr(rate, quoted)
    assert order.currency == (currency or "EUR")


def test_an_order_is_visible_by_id_by_coid_and_while_active(client, virtual_time):
    placed = client.place_order(OrderRequest.pq(client.spot_rate("USD/JPY"), Side.BUY, Decimal(1)))

    assert placed.status is OrderStatus.RECEIVED
    assert placed.user_full_name == "apiUserId@apiOrganizationId"
    assert client.get_order(placed.order_id) == placed
    assert client.get_order_by_coid(placed.co_id) == placed
    assert [o.order_id for o in client.active_orders()] == [placed.order_id]

    final = client.wait_for_final(placed.order_id)

    assert final.status is OrderStatus.FILLED
    assert client.get_order_by_coid(placed.co_id) == final
    assert client.active_orders() == []
    # Polling waited on the virtual clock, with backoff, not on the real one.
    assert len(virtual_time.sleeps) >= 2
    assert all(0 < s <= 1.0 for s in virtual_time.sleeps)


def test_a_stale_quote_is_rejected_data_for_get_order_and_an_error_for_wait(client, sandbox):
    request = OrderRequest.pq(client.spot_rate("EUR/USD"), Side.BUY, Decimal(1000))
    sandbox.clock.advance(61_000)  # past the 60 s quote lifetime
    placed = client.place_order(request)
    sandbox.clock.advance(5_000)

    seen = client.get_order(placed.order_id)
    assert seen.status is OrderStatus.REJECTED
    assert seen.reason

    with pytest.raises(OrderRejected) as caught:
        client.wait_for_final(placed.order_id)
    assert caught.value.order == seen


@pytest.mark.parametrize("sandbox_config", [{"new_delay_ms": 600_000}], indirect=True)
def test_wait_for_final_gives_up_at_its_deadline(client, virtual_time):
    placed = client.place_order(OrderRequest.pq(client.spot_rate("EUR/USD"), Side.BUY, 1000))
    started = virtual_time.clock()

    with pytest.raises(OrderTimeout) as caught:
        client.wait_for_final(placed.order_id, timeout=2.0)

    assert caught.value.order.status is OrderStatus.RECEIVED
    assert 2.0 <= virtual_time.clock() - started <= 2.1


def test_a_duplicate_coid_is_a_bad_request_and_places_nothing_more(client):
    rate = client.spot_rate("EUR/USD")
    first = client.place_order(OrderRequest.pq(rate, Side.BUY, Decimal(1000), co_id="dup-1"))

    with pytest.raises(BadRequest) as caught:
        client.place_order(OrderRequest.pq(rate, Side.SELL, Decimal(2000), co_id="dup-1"))

    assert caught.value.error_code == "DUPLICATE_COID"
    assert [o.order_id for o in client.active_orders()] == [first.order_id]


def test_another_orgs_order_is_not_found(client, make_client):
    placed = client.place_order(OrderRequest.pq(client.spot_rate("EUR/USD"), Side.BUY, 1000))
    other = make_client(TRADER_B)

    with pytest.raises(NotFound):
        other.get_order(placed.order_id)
    with pytest.raises(NotFound):
        other.get_order_by_coid(placed.co_id)
    assert other.active_orders() == []


def test_unknown_order_and_coid_are_not_found(client):
    with pytest.raises(NotFound):
        client.get_order("999999999")
    with pytest.raises(NotFound) as caught:
        client.get_order_by_coid("never-placed")
    assert caught.value.status == 404


def test_a_user_without_trading_permission_is_forbidden(make_client, recorder):
    viewer = make_client(VIEWER)
    rate = viewer.spot_rate("EUR/USD")

    with pytest.raises(Forbidden) as caught:
        viewer.place_order(OrderRequest.pq(rate, Side.BUY, Decimal(1000)))

    assert caught.value.error_code == "FORBIDDEN"
    assert recorder.paths("POST").count("/v2/orders") == 1


@pytest.mark.parametrize(
    ("symbol", "error"),
    [("EURUSD", BadRequest), ("XXX/YYY", NotFound)],
)
def test_spot_rate_errors_carry_the_error_object(client, recorder, symbol, error):
    recorder.invalid_requests_expected = symbol == "EURUSD"
    with pytest.raises(error) as caught:
        client.spot_rate(symbol)

    assert caught.value.error_code
    assert caught.value.error_message
    assert caught.value.request_id


def test_a_bad_request_names_the_fields_at_fault(client, recorder):
    recorder.invalid_requests_expected = True
    order = OrderRequest(
        type=OrderType.PQ,
        side=Side.BUY,
        symbol="EUR/USD",
        currency="EUR",
        size=Decimal(1000),
        price=Decimal("1.1"),
        time_in_force=TimeInForce.FOK,
    )

    with pytest.raises(BadRequest) as caught:
        client.place_order(order)  # a PQ order without rateId

    assert caught.value.error_code == "INVALID_REQUEST"
    assert "rateId" in str(caught.value.response_tuples)


@pytest.mark.parametrize(
    ("credentials", "error"),
    [
        ({"user": "apiUserId", "password": "wrong", "org": "apiOrganizationId"}, Unauthorized),
        (
            {"user": "apiUserId", "password": "This is a long password!", "org": "noSuchOrg"},
            NotFound,
        ),
    ],
)
def test_a_failed_login_is_raised_once(make_client, recorder, credentials, error):
    client = make_client(credentials)

    with pytest.raises(error):
        client.spot_rate("EUR/USD")

    assert recorder.calls()[-1].startswith("POST /v2/sso/login")
    assert recorder.paths() == ["/v2/sso/login"]


def test_the_client_is_a_context_manager_that_keeps_an_injected_session(make_client, sandbox):
    with make_client() as client:
        rate = client.spot_rate("GBP/USD")
    assert isinstance(client, IntegralClient)
    assert rate.symbol == "GBP/USD"
    # The injected session still works after the client closed: its owner closes it.
    assert client.spot_rate("GBP/USD").symbol == "GBP/USD"
