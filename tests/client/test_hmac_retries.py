"""A signing client's retries: each attempt of a POST or DELETE is signed anew, never a replay
the sandbox refuses (HMAC_REPLAYED), even within the second its first attempt was signed."""

from __future__ import annotations

from decimal import Decimal

from integral_mock.client import OrderRequest, OrderStatus, Side


def test_a_signed_cancel_whose_answer_was_lost_is_retried_and_done(signed_client, admin):
    rate = signed_client.spot_rate("EUR/USD")
    placed = signed_client.place_order(
        OrderRequest.limit("EUR/USD", Side.BUY, 1000, rate.bid - Decimal("0.05"))
    )
    admin.fault(method="DELETE", path="/v2/orders/*", fault="reset-after", times=1)

    signed_client.cancel_order(placed.order_id)  # raised Unauthorized HMAC_REPLAYED

    assert signed_client.get_order(placed.order_id).status is OrderStatus.CANCELLED
    deletes = admin.journal(method="DELETE", wait_for=2)
    assert sorted(d["status"] for d in deletes) == [202, 400]  # the retry met ORDER_FINAL
    first, retry = (d["request"]["headers"]["Date"] for d in deletes)
    assert first != retry  # signed a second later: the same signature would be a replay
