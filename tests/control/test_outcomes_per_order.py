"""Outcomes forced per order: X-Sandbox-* headers, magic coIds, progression modes, which wins,
and the malformed headers refused."""

from __future__ import annotations

import pytest

from tests.control.outcome_orders import final_order, placed_id
from tests.control.support import Admin, placed_with
from tests.helpers import Api, assert_error


def test_outcome_header_fills_an_order_its_quote_would_reject(api: Api, token: str) -> None:
    order_id = placed_id(api, token, {"X-Sandbox-Outcome": "FILLED"}, price=0.5)
    order = final_order(api, token, order_id)
    assert order["status"] == "FILLED"
    assert order["averagePrice"] == 0.5
    assert "reason" not in order


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("REJECTED", "SANDBOX_REJECTED: forced by X-Sandbox-Outcome"),
        ("rejected:CREDIT_LIMIT", "CREDIT_LIMIT: forced by X-Sandbox-Outcome"),
        ("REJECTED:CREDIT_LIMIT: no line left", "CREDIT_LIMIT: no line left"),
    ],
)
def test_outcome_header_rejects_with_a_reason(
    api: Api, token: str, header: str, reason: str
) -> None:
    order = final_order(api, token, placed_id(api, token, {"X-Sandbox-Outcome": header}))
    assert order["status"] == "REJECTED"
    assert order["reason"] == reason
    assert "cumQty" not in order


def test_outcome_header_expires_through_new(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    headers = {"X-Sandbox-Outcome": "EXPIRED", "X-Sandbox-Fill-Delay-Ms": "1000"}
    order_id = placed_id(api, token, headers)
    assert api.status_at(token, order_id, placed_at + 999) == "NEW"
    assert api.status_at(token, order_id, placed_at + 1000) == "EXPIRED"
    assert api.order(token, order_id)["reason"].startswith("SANDBOX_EXPIRED: ")


def test_fill_delay_header_sets_the_time_to_final(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    order_id = placed_id(api, token, {"X-Sandbox-Fill-Delay-Ms": "5000"})
    assert api.status_at(token, order_id, placed_at + 4999) == "NEW"
    assert api.status_at(token, order_id, placed_at + 5000) == "FILLED"
    assert api.order(token, order_id)["transactTime"] == placed_at + 5000


def test_poll_progression_moves_on_reads_not_time(api: Api, token: str) -> None:
    order_id = placed_id(api, token, {"X-Sandbox-Progression": "polls:3"})
    seen = [api.order(token, order_id)["status"] for _ in range(5)]
    assert seen == ["RECEIVED", "NEW", "FILLED", "FILLED", "FILLED"]


def test_immediate_progression_is_final_on_the_first_read(api: Api, token: str) -> None:
    order_id = placed_id(api, token, {"X-Sandbox-Progression": "immediate"})
    assert api.order(token, order_id)["status"] == "FILLED"


def test_listing_active_orders_counts_as_a_poll(api: Api, token: str) -> None:
    order_id = placed_id(api, token, {"X-Sandbox-Progression": "polls:2"})
    assert [o["orderId"] for o in api.active(token)] == [order_id]  # read 1: NEW
    assert api.active(token) == []  # read 2: FILLED, no longer active


def test_admin_orders_view_is_not_a_poll(api: Api, token: str, admin: Admin) -> None:
    order_id = placed_id(api, token, {"X-Sandbox-Progression": "polls:1"})
    assert [o["status"] for o in admin.orders()] == ["RECEIVED"]
    assert api.order(token, order_id)["status"] == "FILLED"


@pytest.mark.parametrize(
    ("co_id", "status", "reason_start"),
    [
        ("REJECT-a1", "REJECTED", "SANDBOX_REJECTED: forced by the coId prefix REJECT-"),
        ("REJECT_NO_CREDIT-a1", "REJECTED", "NO_CREDIT: forced by the coId prefix"),
        ("EXPIRE-a1", "EXPIRED", "SANDBOX_EXPIRED: "),
        ("FILL-a1", "FILLED", None),
        ("SLOW5000-REJECT-a1", "REJECTED", "SANDBOX_REJECTED"),
    ],
)
def test_magic_coid_prefixes(
    api: Api, token: str, co_id: str, status: str, reason_start: str | None
) -> None:
    # A price the quote would reject, so that FILL- visibly overrides it.
    order = final_order(api, token, placed_id(api, token, coId=co_id, price=0.5))
    assert order["status"] == status
    assert order.get("reason", "").startswith(reason_start or "")


def test_magic_timing_prefixes(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    slow = placed_id(api, token, coId="SLOW5000-b1")
    polled = placed_id(api, token, coId="POLL2-b2")
    now = placed_id(api, token, coId="NOW-b3")
    assert api.order(token, now)["status"] == "FILLED"
    assert [api.order(token, polled)["status"] for _ in range(2)] == ["NEW", "FILLED"]
    assert api.status_at(token, slow, placed_at + 4999) != "FILLED"
    assert api.status_at(token, slow, placed_at + 5000) == "FILLED"


def test_a_prefix_inside_the_coid_is_not_magic(api: Api, token: str) -> None:
    order = final_order(api, token, placed_id(api, token, coId="order-REJECT-1"))
    assert order["status"] == "FILLED"


def test_header_beats_coid_prefix_beats_rule(api: Api, token: str, admin: Admin) -> None:
    admin.outcome(outcome="EXPIRED")
    by_header = placed_id(api, token, {"X-Sandbox-Outcome": "FILLED"}, coId="REJECT-c1")
    by_prefix = placed_id(api, token, coId="REJECT-c2")
    by_rule = placed_id(api, token, coId="c3")
    statuses = [final_order(api, token, i)["status"] for i in (by_header, by_prefix, by_rule)]
    assert statuses == ["FILLED", "REJECTED", "EXPIRED"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Sandbox-Outcome", "CANCELLED"),
        ("X-Sandbox-Outcome", "FILLED:why"),
        ("X-Sandbox-Fill-Delay-Ms", "-5"),
        ("X-Sandbox-Fill-Delay-Ms", "\u00b2"),  # a digit to str.isdigit, not to int()
        ("X-Sandbox-Progression", "polls:0"),
    ],
)
def test_malformed_outcome_headers_are_400_and_place_nothing(
    api: Api, token: str, admin: Admin, header: str, value: str
) -> None:
    body = assert_error(placed_with(api, token, {header: value}), 400, "INVALID_REQUEST")
    assert body["responseTuples"][0]["field"] == header
    assert admin.orders() == []


def test_forced_fill_of_an_order_without_price_fills_at_the_market(api: Api, token: str) -> None:
    order = {
        "coId": "FILL-atbest",
        "type": "AtBest",
        "timeInForce": "FOK",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1_000_000,
        "valueDate": "2026-01-05",
    }
    placed = api.placed(token, order)
    filled = final_order(api, token, placed["orderId"])
    assert filled["status"] == "FILLED"
    assert filled["averagePrice"] > 0
