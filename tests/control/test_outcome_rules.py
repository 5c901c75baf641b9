"""Outcomes forced venue-wide: admin outcome rules, controls switched off or set in the config,
and the seeded reject probability."""

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.control.outcome_orders import final_order, placed_id
from tests.control.support import Admin, api_of, made_app
from tests.helpers import EXAMPLE_LOGIN, TRADER_B, Api, assert_error


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
    small = placed_id(api, token, coId="big-1", size=100_000)
    other = placed_id(api, token, coId="other-1")
    hit = placed_id(api, token, coId="big-2")
    again = placed_id(api, token, coId="big-3")
    statuses = [final_order(api, token, i)["status"] for i in (small, other, hit, again)]
    assert statuses == ["FILLED", "FILLED", "REJECTED", "FILLED"]
    assert api.order(token, hit)["reason"] == "CREDIT_LIMIT: forced by an outcome rule"
    listed = admin.ok("GET", "/outcomes")[0]
    assert (listed["fired"], listed["remaining"]) == (1, 0)


def test_outcome_rule_scoped_to_another_org_leaves_mine_alone(
    api: Api, token: str, admin: Admin
) -> None:
    admin.outcome(org="orgB", outcome="REJECTED")
    assert final_order(api, token, placed_id(api, token))["status"] == "FILLED"
    token_b = api.token(TRADER_B)
    assert final_order(api, token_b, placed_id(api, token_b))["status"] == "REJECTED"


def test_outcome_rule_with_progression_only(api: Api, token: str, admin: Admin) -> None:
    admin.outcome(progression="polls:2")
    order_id = placed_id(api, token)
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
        order_id = placed_id(api, token, headers, coId=co_id)
        assert final_order(api, token, order_id)["status"] == "FILLED"


def test_global_progression_from_config() -> None:
    config = Config.default(validate_responses=True, progression="polls:2")
    with made_app(config, clock=ManualClock()) as app:
        api = api_of(app)
        token = api.token()
        order_id = placed_id(api, token)
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
