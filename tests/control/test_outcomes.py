"""Forced outcomes: X-Sandbox-* headers, magic coIds, rules, the reject rate, progression modes."""

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.control.support import Admin, api_of, made_app, placed_with
from tests.helpers import EXAMPLE_LOGIN, TRADER_B, Api, assert_error


def _placed(api: Api, token: str, headers: dict[str, str] | None = None, **changes: Any) -> str:
    response = placed_with(api, token, headers or {}, **changes)
    assert response.status_code == 202, response.json
    assert response.json is not None
    assert response.json["status"] == "RECEIVED"
    return str(response.json["orderId"])


def _final(api: Api, token: str, order_id: str) -> dict[str, Any]:
    api.clock.advance(60_000)
    order = api.order(token, order_id)
    assert order["status"] in ("FILLED", "REJECTED", "EXPIRED")
    return order


def test_outcome_header_fills_an_order_its_quote_would_reject(api: Api, token: str) -> None:
    order_id = _placed(api, token, {"X-Sandbox-Outcome": "FILLED"}, price=0.5)
    order = _final(api, token, order_id)
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
    order = _final(api, token, _placed(api, token, {"X-Sandbox-Outcome": header}))
    assert order["status"] == "REJECTED"
    assert order["reason"] == reason
    assert "cumQty" not in order


def test_outcome_header_expires_through_new(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    headers = {"X-Sandbox-Outcome": "EXPIRED", "X-Sandbox-Fill-Delay-Ms": "1000"}
    order_id = _placed(api, token, headers)
    assert api.status_at(token, order_id, placed_at + 999) == "NEW"
    assert api.status_at(token, order_id, placed_at + 1000) == "EXPIRED"
    assert api.order(token, order_id)["reason"].startswith("SANDBOX_EXPIRED: ")


def test_fill_delay_header_sets_the_time_to_final(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    order_id = _placed(api, token, {"X-Sandbox-Fill-Delay-Ms": "5000"})
    assert api.status_at(token, order_id, placed_at + 4999) == "NEW"
    assert api.status_at(token, order_id, placed_at + 5000) == "FILLED"
    assert api.order(token, order_id)["transactTime"] == placed_at + 5000


def test_poll_progression_moves_on_reads_not_time(api: Api, token: str) -> None:
    order_id = _placed(api, token, {"X-Sandbox-Progression": "polls:3"})
    seen = [api.order(token, order_id)["status"] for _ in range(5)]
    assert seen == ["RECEIVED", "NEW", "FILLED", "FILLED", "FILLED"]


def test_immediate_progression_is_final_on_the_first_read(api: Api, token: str) -> None:
    order_id = _placed(api, token, {"X-Sandbox-Progression": "immediate"})
    assert api.order(token, order_id)["status"] == "FILLED"


def test_listing_active_orders_counts_as_a_poll(api: Api, token: str) -> None:
    order_id = _placed(api, token, {"X-Sandbox-Progression": "polls:2"})
    assert [o["orderId"] for o in api.active(token)] == [order_id]  # read 1: NEW
    assert api.active(token) == []  # read 2: FILLED, no longer active


def test_admin_orders_view_is_not_a_poll(api: Api, token: str, admin: Admin) -> None:
    order_id = _placed(api, token, {"X-Sandbox-Progression": "polls:1"})
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
    order = _final(api, token, _placed(api, token, coId=co_id, price=0.5))
    assert order["status"] == status
    assert order.get("reason", "").startswith(reason_start or "")


def test_magic_timing_prefixes(api: Api, token: str) -> None:
    placed_at = api.clock.now_ms()
    slow = _placed(api, token, coId="SLOW5000-b1")
    polled = _placed(api, token, coId="POLL2-b2")
    now = _placed(api, token, coId="NOW-b3")
    assert api.order(token, now)["status"] == "FILLED"
    assert [api.order(token, polled)["status"] for _ in range(2)] == ["NEW", "FILLED"]
    assert api.status_at(token, slow, placed_at + 4999) != "FILLED"
    assert api.status_at(token, slow, placed_at + 5000) == "FILLED"


def test_a_prefix_inside_the_coid_is_not_magic(api: Api, token: str) -> None:
    order = _final(api, token, _placed(api, token, coId="order-REJECT-1"))
    assert order["status"] == "FILLED"


def test_header_beats_coid_prefix_beats_rule(api: Api, token: str, admin: Admin) -> None:
    admin.outcome(outcome="EXPIRED")
    by_header = _placed(api, token, {"X-Sandbox-Outcome": "FILLED"}, coId="REJECT-c1")
    by_prefix = _placed(api, token, coId="REJECT-c2")
    by_rule = _placed(api, token, coId="c3")
    statuses = [_final(api, token, i)["status"] for i in (by_header, by_prefix, by_rule)]
    assert statuses == ["FILLED", "REJECTED", "EXPIRED"]


def test_outcome_rule_matches_and_runs_out(api: Api, token: str, admin: Admin) -> None:
    rule = admin.outcome(
        symbol="EUR/USD",
        side="Buy",
        minSize=500_000,
        maxSize=2_000_000,
        coId="big-*",
        outcome="REJECTED",
        reason="CREDIT_LIMIT",
        times=1,
    )
    assert rule["id"] == 1
    assert rule["remaining"] == 1
    small = _placed(api, token, coId="big-1", size=100_000)
    other = _placed(api, token, coId="other-1")
    hit = _placed(api, token, coId="big-2")
    again = _placed(api, token, coId="big-3")
    statuses = [_final(api, token, i)["status"] for i in (small, other, hit, again)]
    assert statuses == ["FILLED", "FILLED", "REJECTED", "FILLED"]
    assert api.order(token, hit)["reason"] == "CREDIT_LIMIT: forced by an outcome rule"
    listed = admin.ok("GET", "/outcomes")[0]
    assert (listed["fired"], listed["remaining"]) == (1, 0)


def test_outcome_rule_scoped_to_another_org_leaves_mine_alone(
    api: Api, token: str, admin: Admin
) -> None:
    admin.outcome(org="orgB", outcome="REJECTED")
    assert _final(api, token, _placed(api, token))["status"] == "FILLED"
    token_b = api.token(TRADER_B)
    assert _final(api, token_b, _placed(api, token_b))["status"] == "REJECTED"


def test_outcome_rule_with_progression_only(api: Api, token: str, admin: Admin) -> None:
    admin.outcome(progression="polls:2")
    order_id = _placed(api, token)
    assert [api.order(token, order_id)["status"] for _ in range(2)] == ["NEW", "FILLED"]


def test_outcome_rules_list_remove_and_clear(admin: Admin) -> None:
    first = admin.outcome(outcome="FILLED", newDelayMs=10, fillDelayMs=20)
    admin.outcome(org="orgB", outcome="REJECTED")
    assert (first["outcome"], first["newDelayMs"], first["fillDelayMs"]) == ("FILLED", 10, 20)
    assert [r["id"] for r in admin.ok("GET", "/outcomes", query={"org": "orgB"})] == [2]
    assert admin.ok("DELETE", "/outcomes/1") == {"removed": 1}
    assert_error(admin.call("DELETE", "/outcomes/1"), 404, "NOT_FOUND")
    assert admin.ok("DELETE", "/outcomes") == {"removed": 1}
    assert admin.ok("GET", "/outcomes") == []


@pytest.mark.parametrize(
    "rule",
    [
        {"outcome": "CANCELLED"},
        {"progression": "polls:0"},
        {"fillDelayMs": -1},
        {"sizeMin": 1},  # a typo must not pass as a rule that matches everything
    ],
)
def test_bad_outcome_rules_are_400(admin: Admin, rule: dict[str, Any]) -> None:
    assert_error(admin.call("POST", "/outcomes", rule), 400, "INVALID_REQUEST")


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


@pytest.mark.parametrize(
    ("settings", "headers", "co_id"),
    [
        ({"sandbox_headers": False}, {"X-Sandbox-Outcome": "REJECTED"}, "x"),
        ({"sandbox_headers": False}, {"X-Sandbox-Fault": "503"}, "x"),
        ({"magic_coids": False}, {}, "REJECT-x"),
    ],
)
def test_controls_switched_off_are_ignored(
    settings: dict[str, bool], headers: dict[str, str], co_id: str
) -> None:
    config = Config.default(validate_responses=True, **settings)
    with made_app(config, clock=ManualClock()) as app:
        api = api_of(app)
        token = api.token()
        order_id = _placed(api, token, headers, coId=co_id)
        assert _final(api, token, order_id)["status"] == "FILLED"


def test_global_progression_from_config() -> None:
    config = Config.default(validate_responses=True, progression="polls:2")
    with made_app(config, clock=ManualClock()) as app:
        api = api_of(app)
        token = api.token()
        order_id = _placed(api, token)
        assert [api.order(token, order_id)["status"] for _ in range(2)] == ["NEW", "FILLED"]


def _run(reject_probability: float) -> list[tuple[str, str, str]]:
    """(orderId, rateId, final status) of ten orders on a fresh app with seed 7."""
    config = Config.default(seed=7, reject_probability=reject_probability)
    with made_app(config, clock=ManualClock()) as app:
        api = api_of(app)
        token = api.token(EXAMPLE_LOGIN)
        runs = []
        for n in range(10):
            quote = api.spot(token)
            placed = api.placed(token, api.pq_order(quote, coId=f"r{n}"))
            runs.append((placed["orderId"], quote["rateId"], placed["orderId"]))
        api.clock.advance(60_000)
        return [(o, r, api.order(token, o)["status"]) for o, r, _ in runs]


def test_reject_probability_is_seeded_and_leaves_prices_and_ids_alone() -> None:
    first, second, none = _run(0.5), _run(0.5), _run(0.0)
    assert first == second
    assert {s for _, _, s in first} == {"FILLED", "REJECTED"}
    assert {s for _, _, s in none} == {"FILLED"}
    assert [(o, r) for o, r, _ in first] == [(o, r) for o, r, _ in none]


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
    filled = _final(api, token, placed["orderId"])
    assert filled["status"] == "FILLED"
    assert filled["averagePrice"] > 0
