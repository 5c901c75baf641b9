"""The live verdict over HTTP: GET /__admin/conformance judges an org's traffic as it came."""

from __future__ import annotations

import jsonschema
import requests

from integral_mock.client import IntegralClient
from integral_mock.config import Config
from integral_mock.conformance.reports.json_report import schema
from integral_mock.testing import LiveSandbox, running_sandbox

ORG = "apiOrganizationId"


def login(base_url: str, user: str, password: str, org: str) -> str:
    r = requests.post(
        f"{base_url}/v2/sso/login", json={"user": user, "pass": password, "org": org}, timeout=5
    )
    return r.headers["SSO_TOKEN"]


def verdicts(found: dict[str, object]) -> dict[str, str]:
    (scenario,) = found["scenarios"]  # type: ignore[misc]
    return {r["id"]: r["verdict"] for r in scenario["rules"]}


def good_traffic(sandbox: LiveSandbox) -> None:
    requests.post(
        f"{sandbox.base_url}/__admin/outcomes", json={"progression": "immediate"}, timeout=5
    )
    with IntegralClient(
        sandbox.base_url, user="apiUserId", password="This is a long password!", org=ORG
    ) as client:
        order = client.trade_pq("EUR/USD", "Buy", 1_000_000)
    assert order.status.value == "FILLED"


def test_a_good_clients_traffic_passes_and_the_answer_fits_the_schema() -> None:
    with running_sandbox() as sandbox:
        good_traffic(sandbox)
        r = requests.get(f"{sandbox.base_url}/__admin/conformance", params={"org": ORG}, timeout=5)
    assert r.status_code == 200
    found = r.json()
    jsonschema.validate(found, schema())
    assert (found["passed"], found["mode"], found["org"], found["client"]) == (
        True,
        "live",
        ORG,
        None,
    )
    assert verdicts(found) == {
        "no-double-placement": "not-exercised",
        "lookup-before-replace": "not-exercised",
        "poll-interval": "not-exercised",  # read once: final at the first read
        "stop-at-final": "pass",
        "retry-after": "not-exercised",
        "backoff": "not-exercised",
        "token-reuse": "pass",
        "token-renewal": "not-exercised",
        "fresh-quote": "pass",
        "json-requests": "pass",
        "request-id": "pass",
        "final-status-reported": "not-exercised",
    }
    timeline = found["scenarios"][0]["timeline"]
    assert [(s["method"], s["path"]) for s in timeline][:3] == [
        ("POST", "/v2/sso/login"),
        ("GET", "/v2/rates/spot"),
        ("POST", "/v2/orders"),
    ]


def test_bad_traffic_fails_for_its_rules_only_in_its_own_org_and_since_cuts_it() -> None:
    with running_sandbox() as sandbox:
        good_traffic(sandbox)
        url = sandbox.base_url
        for _ in range(4):  # log in per call, and put the token in the URL
            token = login(url, "traderB", "traderB-pass", "orgB")
            requests.get(
                f"{url}/v2/rates/spot", params={"symbol": "EUR/USD", "SSO_TOKEN": token}, timeout=5
            )
        bad = requests.get(f"{url}/__admin/conformance", params={"org": "orgB"}, timeout=5).json()
        good = requests.get(f"{url}/__admin/conformance", params={"org": ORG}, timeout=5).json()
        sandbox.clock.advance(1000)
        later = sandbox.clock.now_ms()
        cut = requests.get(
            f"{url}/__admin/conformance", params={"org": "orgB", "since": later}, timeout=5
        ).json()
    assert bad["passed"] is False
    failed = {k for k, v in verdicts(bad).items() if v == "fail"}
    # (and plain `requests` calls carry no X-Request-ID, which request-id notices)
    assert failed == {"token-reuse", "json-requests", "request-id"}
    token_reuse = next(r for r in bad["scenarios"][0]["rules"] if r["id"] == "token-reuse")
    assert [e["path"] for e in token_reuse["evidence"]] == ["/v2/sso/login"] * 4
    assert token_reuse["hint"].startswith("Log in once")
    assert good["passed"] is True
    assert set(verdicts(cut).values()) == {"not-exercised"}
    assert cut["since"] == later


def test_a_call_with_an_expired_token_is_still_the_orgs_traffic() -> None:
    with running_sandbox() as sandbox:
        url = sandbox.base_url
        requests.put(f"{url}/__admin/orgs/orgB", json={"tokenLifetimeMs": 1000}, timeout=5)
        token = login(url, "traderB", "traderB-pass", "orgB")
        sandbox.clock.advance(1500)
        for _ in range(2):  # the dead token, twice: the renewal rule sees a client looping
            r = requests.get(f"{url}/v2/orders", headers={"SSO_TOKEN": token}, timeout=5)
            assert r.json()["errorCode"] == "TOKEN_EXPIRED"
        found = requests.get(f"{url}/__admin/conformance", params={"org": "orgB"}, timeout=5).json()
    assert verdicts(found)["token-renewal"] == "fail"
    assert len(found["scenarios"][0]["timeline"]) == 3


def test_bad_requests_to_the_endpoint() -> None:
    with running_sandbox() as sandbox:
        url = f"{sandbox.base_url}/__admin/conformance"
        unknown = requests.get(url, params={"org": "nope"}, timeout=5)
        missing = requests.get(url, timeout=5)
    assert (unknown.status_code, unknown.json()["errorCode"]) == (404, "UNKNOWN_ORG")
    assert missing.status_code == 400


def test_the_endpoint_sits_behind_the_admin_guard() -> None:
    config = Config.default(validate_responses=True, admin_token="s3cret")
    with running_sandbox(config) as sandbox:
        url = f"{sandbox.base_url}/__admin/conformance"
        refused = requests.get(url, params={"org": ORG}, timeout=5)
        allowed = requests.get(
            url, params={"org": ORG}, headers={"Authorization": "Bearer s3cret"}, timeout=5
        )
        foreign = requests.get(
            url, params={"org": ORG}, headers={"Origin": "https://evil.example"}, timeout=5
        )
    assert (refused.status_code, refused.json()["errorCode"]) == (401, "ADMIN_TOKEN")
    assert allowed.status_code == 200
    assert foreign.status_code == 401
