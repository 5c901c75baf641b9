"""Latency and fault rules through the Flask test client: latency recorded or slept, its grammar,
rules matching, chaining and running out, seeded replay."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from integral_mock.clock import ManualClock, SystemClock
from integral_mock.config import Config
from integral_mock.sandbox.latency import Fixed, LogNormal, Uniform, parse_latency
from tests.control.support import Admin, made_app
from tests.helpers import TRADER_B, Api, assert_error


def test_latency_is_recorded_not_slept_under_a_manual_clock(
    api: Api, token: str, admin: Admin
) -> None:
    response = api.get("/v2/orders", token, {"X-Sandbox-Latency-Ms": "600000"})
    assert response.status_code == 200
    entry = admin.journal(path="/v2/orders")[-1]
    assert entry["latencyMs"] == 600_000
    assert entry["durationMs"] < 60_000


def test_latency_goes_through_the_injected_sleeper() -> None:
    slept: list[float] = []
    with made_app(Config.default(), clock=SystemClock(), sleep=slept.append) as app:
        app.test_client().get("/v2/orders", headers={"X-Sandbox-Latency-Ms": "250"})
        assert slept == [0.25]


def test_global_latency_from_config() -> None:
    with made_app(Config.default(latency="uniform:10-20"), clock=ManualClock()) as app:
        client = app.test_client()
        for _ in range(5):
            client.get("/v2/orders")
        latencies = [e["latencyMs"] for e in Admin(client).journal()]
        assert len(latencies) == 5
        assert all(10 <= ms <= 20 for ms in latencies)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", None),
        ("50", Fixed(50)),
        ("uniform:20-200", Uniform(20, 200)),
        ("lognormal:100:0.5", LogNormal(100.0, 0.5)),
    ],
)
def test_latency_grammar(text: str, parsed: object) -> None:
    assert parse_latency(text) == parsed


@pytest.mark.parametrize(
    "text", ["fast", "uniform:200-20", "-5", "lognormal:0:1", "700000", "\u00b2"]
)
def test_latency_grammar_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="latency"):
        parse_latency(text)


def test_rule_matches_method_path_and_runs_out(api: Api, token: str, admin: Admin) -> None:
    rule = admin.fault(method="get", path="/v2/orders/*", fault="502", times=2)
    assert rule["method"] == "GET"
    assert rule["remaining"] == 2
    statuses = [api.get("/v2/orders/4000000001", token).status_code for _ in range(3)]
    assert statuses == [502, 502, 404]
    assert api.get("/v2/orders", token).status_code == 200  # the glob wants a slash and more
    assert admin.ok("GET", "/faults")[0]["remaining"] == 0


def test_rule_scoped_to_an_org(api: Api, admin: Admin) -> None:
    mine, theirs = api.token(), api.token(TRADER_B)
    admin.fault(org="orgB", fault="503")
    assert api.get("/v2/orders", mine).status_code == 200
    assert api.get("/v2/orders", theirs).status_code == 503
    assert api.login(TRADER_B).status_code == 503  # a login acts for the org it names
    no_cookies = api.client.application.test_client()
    assert no_cookies.get("/v2/orders").status_code == 401  # no org: not orgB's either


def test_rules_never_touch_admin_or_the_spec(client: FlaskClient, admin: Admin) -> None:
    admin.fault(fault="reset")
    assert client.get("/openapi.json").status_code == 200
    assert admin.ok("GET", "/faults")[0]["fired"] == 0
    assert admin.ok("DELETE", "/faults") == {"removed": 1}


def test_rules_chain_latency_and_fault(api: Api, token: str, admin: Admin) -> None:
    admin.fault(path="/v2/orders", latencyMs=100)
    admin.fault(path="/v2/orders", latency="50", fault="429", retryAfter=7)
    response = api.get("/v2/orders", token)
    assert_error(response, 429, "RATE_LIMITED")
    assert response.headers["Retry-After"] == "7"
    entry = admin.journal(path="/v2/orders")[-1]
    assert (entry["latencyMs"], entry["fault"], entry["status"]) == (150, "429", 429)


def _seeded_run(seed: int) -> list[tuple[int, int]]:
    """(status, injected latency) of 30 spot requests under probabilistic rules."""
    with made_app(Config.default(seed=seed), clock=ManualClock()) as app:
        client = app.test_client()
        admin, api = Admin(client), Api(client, ManualClock())
        admin.fault(path="/v2/rates/*", fault="503", probability=0.3)
        admin.fault(path="/v2/rates/*", latency="lognormal:80:0.7", probability=0.5)
        token = api.token()
        for _ in range(30):
            api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)
        return [(e["status"], e["latencyMs"]) for e in admin.journal(path="/v2/rates/*")]


def test_a_seeded_fault_run_replays_exactly() -> None:
    first, second = _seeded_run(seed=11), _seeded_run(seed=11)
    assert first == second
    assert {status for status, _ in first} == {200, 503}
    assert len({ms for _, ms in first}) > 3
    assert _seeded_run(seed=12) != first


def test_full_reset_replays_the_fault_sequence(api: Api, token: str, admin: Admin) -> None:
    def run() -> list[int]:
        admin.fault(path="/v2/orders", fault="500", probability=0.5)
        return [api.get("/v2/orders", token).status_code for _ in range(12)]

    first = run()
    admin.ok("POST", "/reset")
    assert run() == first


def test_faults_do_not_shift_prices_or_ids() -> None:
    def quotes(with_faults: bool) -> list[str]:
        with made_app(Config.default(seed=3), clock=ManualClock()) as app:
            client = app.test_client()
            if with_faults:
                Admin(client).fault(path="/v2/rates/*", latency="uniform:1-9", probability=0.5)
            api = Api(client, ManualClock())
            token = api.token()
            return [api.spot(token)["rateId"] for _ in range(5)]

    assert quotes(with_faults=True) == quotes(with_faults=False)


@pytest.mark.parametrize(
    "rule",
    [
        {"fault": "418"},
        {"path": "/v2/orders"},  # neither fault nor latency
        {"fault": "503", "probability": 1.5},
        {"latency": "sometimes"},
        {"fault": "503", "pth": "/v2/orders"},  # a typo must not widen the rule to every path
        {"latency": " "},  # a latency of nothing, and no fault: a rule that would do nothing
    ],
)
def test_bad_fault_rules_are_400(admin: Admin, rule: dict[str, Any]) -> None:
    assert_error(admin.call("POST", "/faults", rule), 400, "INVALID_REQUEST")
    assert admin.ok("GET", "/faults") == []
