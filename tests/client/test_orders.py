"""Every order type against the simulated market, partial fills, and cancelling safely."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integral_mock.client import (
    BadRequest,
    ExecFlag,
    Forbidden,
    NotFound,
    OrderCancelled,
    OrderExpired,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from tests.client.support import TRADER_B, VIEWER

AWAY = Decimal("0.01")  # a hundred pips: the market does not get there in a test


def _resting_buy(client, size=1000):
    """A Limit GTC buy far below the market: it rests NEW until cancelled."""
    rate = client.spot_rate("EUR/USD")
    return client.place_order(OrderRequest.limit("EUR/USD", Side.BUY, size, rate.bid - AWAY))


def test_a_limit_gtc_order_rests_and_is_cancelled(client, sandbox, recorder):
    placed = _resting_buy(client)
    sandbox.clock.advance(5_000)
    assert client.get_order(placed.order_id).status is OrderStatus.NEW
    assert (placed.type, placed.time_in_force) == (OrderType.LIMIT, TimeInForce.GTC)

    client.cancel_order(placed.order_id)

    cancelled = client.get_order(placed.order_id)
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.reason.startswith("CANCELLED")
    assert cancelled.cum_qty is None
    assert client.active_orders() == []
    with pytest.raises(OrderCancelled):
        client.wait_for_final(placed.order_id)
    assert f"DELETE /v2/orders/{placed.order_id} 202" in recorder.calls()


def test_cancelling_a_final_order_is_order_final(client):
    placed = _resting_buy(client)
    client.cancel_order(placed.order_id)

    with pytest.raises(BadRequest) as caught:
        client.cancel_order(placed.order_id)  # asked twice by the caller, not by a retry

    assert caught.value.error_code == "ORDER_FINAL"


def test_a_cancel_whose_answer_was_lost_is_done_when_the_order_is_cancelled(client, admin):
    placed = _resting_buy(client)
    admin.fault(method="DELETE", path="/v2/orders/*", fault="reset-after", times=1)

    client.cancel_order(placed.order_id)

    assert client.get_order(placed.order_id).status is OrderStatus.CANCELLED
    deletes = admin.journal(method="DELETE", wait_for=2)
    assert sorted(d["status"] for d in deletes) == [202, 400]  # the retry met ORDER_FINAL


def test_a_lost_cancel_of_an_order_that_filled_is_raised(client, faults):
    filled = client.trade_pq("EUR/USD", Side.BUY, 1000)
    faults.add("DELETE", f"/v2/orders/{filled.order_id}", "lose")

    with pytest.raises(BadRequest) as caught:
        client.cancel_order(filled.order_id)

    assert caught.value.error_code == "ORDER_FINAL"
    assert "ended FILLED" in " ".join(caught.value.__notes__)


def test_a_refused_cancel_is_retried_after_retry_after(client, admin, virtual_time):
    placed = _resting_buy(client)
    admin.fault(method="DELETE", path="/v2/orders/*", fault="503", retryAfter=2, times=1)

    client.cancel_order(placed.order_id)

    assert client.get_order(placed.order_id).status is OrderStatus.CANCELLED
    assert 2.0 in virtual_time.sleeps


def test_cancel_all_cancels_every_active_order_and_may_be_repeated(client, recorder):
    rate = client.spot_rate("EUR/USD")
    limit = _resting_buy(client)
    stop = client.place_order(
        OrderRequest.stop("EUR/USD", "Buy", 1000, rate.offer + AWAY, trigger=ExecFlag.OFFER_TRIGGER)
    )
    assert len(client.active_orders()) == 2

    client.cancel_all_orders()
    client.cancel_all_orders()  # nothing active: still 202

    assert client.active_orders() == []
    for order_id in (limit.order_id, stop.order_id):
        assert client.get_order(order_id).status is OrderStatus.CANCELLED
    assert recorder.calls().count("DELETE /v2/orders 202") == 2


def test_cancel_needs_trading_permission_and_an_order_of_ones_own(client, make_client):
    placed = _resting_buy(client)
    viewer, other = make_client(VIEWER), make_client(TRADER_B)

    with pytest.raises(Forbidden):
        viewer.cancel_order(placed.order_id)
    with pytest.raises(Forbidden):
        viewer.cancel_all_orders()
    with pytest.raises(NotFound):
        other.cancel_order(placed.order_id)
    other.cancel_all_orders()  # cancels orgB's orders: none
    with pytest.raises(NotFound):
        client.cancel_order("999999999")
    assert not client.get_order(placed.order_id).status.is_final


def test_a_large_resting_order_fills_in_parts_and_a_cancel_keeps_them(client, sandbox):
    rate = client.spot_rate("EUR/USD")
    size = Decimal(20_000_000)  # several times what the touch quotes
    placed = client.place_order(OrderRequest.limit("EUR/USD", "Buy", size, rate.offer + AWAY))
    sandbox.clock.advance(2_000)

    part = client.get_order(placed.order_id)
    assert part.status is OrderStatus.PARTIALLY_FILLED
    assert 0 < part.cum_qty < size
    assert part.cum_qty + part.leaves_qty == size
    assert [o.order_id for o in client.active_orders()] == [placed.order_id]

    client.cancel_order(placed.order_id)

    cancelled = client.get_order(placed.order_id)
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.cum_qty >= part.cum_qty


@pytest.mark.parametrize(
    ("make", "ending"),
    [
        pytest.param(
            lambda r: OrderRequest.limit(
                "EUR/USD", "Sell", 1000, r.bid - AWAY, time_in_force="IOC"
            ),
            OrderStatus.FILLED,
            id="limit-ioc-marketable",
        ),
        pytest.param(
            lambda r: OrderRequest.limit(
                "EUR/USD", "Sell", 1000, r.bid + AWAY, time_in_force="FOK"
            ),
            OrderStatus.EXPIRED,
            id="limit-fok-away",
        ),
        pytest.param(
            lambda r: OrderRequest.market("EUR/USD", Side.BUY, 1000, r.offer),
            OrderStatus.FILLED,
            id="market",
        ),
        pytest.param(
            lambda r: OrderRequest.limit(
                "EUR/USD", "Buy", 1000, r.bid - AWAY, time_in_force="GTT", expiry_time=30
            ),
            OrderStatus.EXPIRED,
            id="limit-gtt-times-out",
        ),
    ],
)
def test_each_order_type_meets_the_market(client, make, ending):
    request = make(client.spot_rate("EUR/USD"))

    placed = client.place_order(request)
    try:
        final = client.wait_for_final(placed.order_id, timeout=60)
    except OrderExpired as exc:
        final = exc.order

    assert final.status is ending
    assert (final.type, final.time_in_force) == (request.type, request.time_in_force)
    if ending is OrderStatus.FILLED:
        assert final.cum_qty == Decimal(1000)
    else:
        assert final.reason


def test_the_published_at_best_example_is_placed_on_behalf_of_customer_org(client):
    request = OrderRequest.at_best(
        "USD/INR", "Buy", 1_000_000, "2026-01-05", price_type="NDF", org="CustomerOrg"
    )

    final = client.wait_for_final(client.place_order(request).order_id)

    assert final.status is OrderStatus.FILLED
    assert (final.org, final.price_type, final.value_date) == ("CustomerOrg", "NDF", "2026-01-05")
    assert final.user_full_name == "apiUserId@apiOrganizationId"


def test_a_day_order_and_a_stop_away_from_the_market_rest(client, sandbox):
    rate = client.spot_rate("EUR/USD")
    day = OrderRequest.limit("EUR/USD", "Sell", 1000, rate.offer + AWAY, time_in_force="DAY")
    stop = OrderRequest.stop("EUR/USD", "Sell", 1000, rate.bid - AWAY, trigger="BidTrigger")

    placed = [client.place_order(day), client.place_order(stop)]
    sandbox.clock.advance(60_000)

    assert [client.get_order(o.order_id).status for o in placed] == [OrderStatus.NEW] * 2
    assert placed[1].exec_flags == (ExecFlag.BID_TRIGGER,)
    assert placed[1].stop_price == placed[1].price == rate.bid - AWAY
