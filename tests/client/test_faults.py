"""trade_pq under the sandbox's faults and forced outcomes: each flow ends as forced, once."""

from __future__ import annotations

from collections import Counter

import pytest

from integral_mock.client import (
    OrderExpired,
    OrderRejected,
    OrderStatus,
    OrderTimeout,
    RetryPolicy,
)
from tests.client.admin import Admin


def _one_order_per_flow(admin: Admin, co_ids: list[str]) -> None:
    orders = admin.orders(org="apiOrganizationId")
    assert Counter(o["coId"] for o in orders) == Counter(co_ids)


def test_503s_on_polls_are_waited_out_as_retry_after_says(client, admin, virtual_time):
    admin.fault(method="GET", path="/v2/orders/*", fault="503", retryAfter=2, times=2)

    order = client.trade_pq("EUR/USD", "Buy", 1_000_000, co_id="flow-503")

    assert order.status is OrderStatus.FILLED
    assert virtual_time.sleeps.count(2.0) == 2
    assert admin.faults()[0]["fired"] == 2
    _one_order_per_flow(admin, ["flow-503"])


def test_a_429_on_the_quote_is_waited_out(client, admin, virtual_time):
    admin.fault(method="GET", path="/v2/rates/spot", fault="429", retryAfter=3, times=1)

    order = client.trade_pq("USD/JPY", "Sell", 2_000_000, co_id="flow-429")

    assert order.status is OrderStatus.FILLED
    assert virtual_time.sleeps[0] == 3.0
    _one_order_per_flow(admin, ["flow-429"])


@pytest.mark.parametrize("fault", ["reset-after", "truncated", "garbage", "503", "reset"])
def test_a_placement_whose_answer_is_lost_or_refused_fills_once(client, admin, recorder, fault):
    admin.fault(method="POST", path="/v2/orders", fault=fault, times=1)

    order = client.trade_pq("EUR/USD", "Buy", 1_000_000, co_id=f"flow-{fault}")

    assert order.status is OrderStatus.FILLED
    _one_order_per_flow(admin, [f"flow-{fault}"])
    posts = admin.journal(method="POST", path="/v2/orders")
    assert posts[0]["fault"] == fault
    # Resent only when the first POST never ran (503 answers before, reset drops before).
    assert len(posts) == (2 if fault in ("503", "reset") else 1)


def _expire_after_placing(sandbox):
    """An on_event hook that moves the sandbox past the token's 30 minutes once placed."""

    def hook(event):
        if getattr(event, "status", None) is OrderStatus.RECEIVED:
            sandbox.clock.advance(31 * 60 * 1000)

    return hook


def test_token_expiry_in_the_middle_of_a_flow_is_renewed_ahead(client, admin, sandbox, recorder):
    expire = _expire_after_placing(sandbox)

    order = client.trade_pq("EUR/USD", "Buy", 1000, co_id="flow-renew", on_event=expire)

    assert order.status is OrderStatus.FILLED
    assert "/v2/sso/token/renew" in recorder.paths()
    _one_order_per_flow(admin, ["flow-renew"])


def test_token_expiry_unseen_by_the_client_costs_one_new_login(
    make_client, admin, sandbox, recorder
):
    # A client clock that stands still cannot renew ahead; the server's 401 must be enough.
    client = make_client(clock=lambda: 0.0)
    expire = _expire_after_placing(sandbox)

    order = client.trade_pq("EUR/USD", "Buy", 1000, co_id="flow-401", on_event=expire)

    assert order.status is OrderStatus.FILLED
    assert recorder.paths().count("/v2/sso/login") == 2
    assert [e.status for e in recorder.recorded].count(401) == 1
    _one_order_per_flow(admin, ["flow-401"])


@pytest.mark.parametrize(
    ("co_id", "error", "reason"),
    [
        ("REJECT_NO_CREDIT-flow", OrderRejected, "NO_CREDIT"),
        ("REJECT-flow", OrderRejected, "SANDBOX_REJECTED"),
        ("EXPIRE-flow", OrderExpired, None),
    ],
)
def test_forced_outcomes_by_coid_end_the_flow_with_their_error(client, admin, co_id, error, reason):
    with pytest.raises(error) as caught:
        client.trade_pq("EUR/USD", "Buy", 1000, co_id=co_id)

    assert caught.value.order.co_id == co_id
    if reason:
        assert caught.value.order.reason.startswith(reason)
    _one_order_per_flow(admin, [co_id])


def test_an_outcome_rule_rejects_with_its_reason(client, admin):
    admin.outcome(symbol="EUR/USD", outcome="REJECTED", reason="CREDIT_LIMIT: over the line")

    with pytest.raises(OrderRejected) as caught:
        client.trade_pq("EUR/USD", "Sell", 1000)

    assert caught.value.order.reason == "CREDIT_LIMIT: over the line"
    assert client.get_order(caught.value.order.order_id).status is OrderStatus.REJECTED


def test_an_order_slower_than_the_deadline_times_out_and_still_exists(client, admin):
    with pytest.raises(OrderTimeout) as caught:
        client.trade_pq("EUR/USD", "Buy", 1000, co_id="SLOW90000-flow", timeout=30)

    assert caught.value.order.status in (OrderStatus.RECEIVED, OrderStatus.NEW)
    _one_order_per_flow(admin, ["SLOW90000-flow"])


@pytest.mark.parametrize("sandbox_config", [{"hang_ms": 2000}], indirect=True)
def test_a_hung_placement_times_out_and_is_placed_once(make_client, admin):
    # Real time, on purpose and short: the point is the client's own socket timeout.
    client = make_client(timeout=0.2)
    admin.fault(method="POST", path="/v2/orders", fault="hang", times=1)

    order = client.trade_pq("EUR/USD", "Buy", 1000, co_id="flow-hang")

    assert order.status is OrderStatus.FILLED
    _one_order_per_flow(admin, ["flow-hang"])


# Each flow's coId prefix decides how it must end; the faults must change none of it.
ENDINGS = {"": OrderStatus.FILLED, "REJECT-": OrderStatus.REJECTED, "EXPIRE-": OrderStatus.EXPIRED}


def test_many_flows_under_mixed_faults_end_as_forced_with_one_order_each(make_client, admin):
    client = make_client(retry=RetryPolicy(retries=8))
    rules = [
        {"method": "POST", "path": "/v2/orders", "fault": "reset-after", "probability": 0.25},
        {"method": "POST", "path": "/v2/orders", "fault": "503", "probability": 0.2},
        {"method": "GET", "path": "/v2/orders*", "fault": "503", "probability": 0.15},
        {"method": "GET", "path": "/v2/orders*", "fault": "429", "probability": 0.1},
        {"method": "GET", "path": "/v2/orders/*", "fault": "garbage", "probability": 0.05},
        {"method": "GET", "path": "/v2/rates/spot", "fault": "reset", "probability": 0.15},
        {"path": "*", "latency": "uniform:20-200"},
    ]
    for rule in rules:
        admin.fault(**rule)
    expected: dict[str, OrderStatus] = {}

    for n in range(24):
        prefix = list(ENDINGS)[n % len(ENDINGS)]
        co_id = f"{prefix}mixed-{n}"
        expected[co_id] = ENDINGS[prefix]
        try:
            ended = client.trade_pq("EUR/USD", "Buy" if n % 2 else "Sell", 10_000, co_id=co_id)
        except (OrderRejected, OrderExpired) as exc:
            ended = exc.order
        assert ended.status is expected[co_id], co_id

    _one_order_per_flow(admin, list(expected))
    assert all(rule["fired"] > 0 for rule in admin.faults())
