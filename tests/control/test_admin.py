"""The /__admin API: access control, reset (all or one org), seed, orders; apps share nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.integral.spec import load_document
from tests.control.support import Admin, api_of, made_app
from tests.helpers import EXAMPLE_LOGIN, TRADER_B, Api, assert_error

ADMIN_TOKEN = "s3cret-admin-token"


def test_sandbox_spec_is_valid_openapi_31_and_served(admin: Admin) -> None:
    document = load_document("sandbox.yaml")
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert admin.ok("GET", "/openapi.json") == document


def test_the_two_specs_stay_apart() -> None:
    integral, sandbox = load_document(), load_document("sandbox.yaml")
    assert not [p for p in integral["paths"] if p.startswith("/__admin")]
    assert all(p.startswith("/__admin") for p in sandbox["paths"])
    assert "X-Sandbox" not in str(integral)


@pytest.fixture
def guarded() -> Iterator[Flask]:
    with made_app(Config.default(validate_responses=True, admin_token=ADMIN_TOKEN)) as app:
        yield app


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/clock"),
        ("POST", "/reset"),
        ("POST", "/seed"),
        ("GET", "/orders"),
        ("GET", "/faults"),
        ("POST", "/outcomes"),
        ("GET", "/journal"),
        ("GET", "/nothing-here"),  # no hint of what exists without the token
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {ADMIN_TOKEN}"])
def test_admin_token_is_required(
    guarded: Flask, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = guarded.test_client().open(f"/__admin{path}", method=method, headers=headers)
    assert_error(response, 401, "ADMIN_TOKEN")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_admin_token_opens_the_api(guarded: Flask) -> None:
    admin = Admin(guarded.test_client(), token=ADMIN_TOKEN)
    assert admin.ok("GET", "/clock")["mode"] == "system"
    assert_error(admin.call("GET", "/nothing-here"), 404, "NOT_FOUND")


@pytest.mark.parametrize("path", ["/health", "/openapi.json"])
def test_health_and_spec_stay_open(guarded: Flask, path: str) -> None:
    assert guarded.test_client().get(f"/__admin{path}").status_code == 200


def test_without_a_token_only_loopback_clients_are_served(client: Any) -> None:
    far = {"REMOTE_ADDR": "203.0.113.9"}
    assert_error(client.get("/__admin/clock", environ_base=far), 401, "ADMIN_TOKEN")
    assert client.get("/__admin/health", environ_base=far).status_code == 200
    assert client.get("/__admin/clock", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "attacker.example:8080"},  # DNS rebinding: a foreign name on a loopback socket
        {"Origin": "https://attacker.example"},  # a cross-site request from a browser page
        {"Origin": "null"},  # a sandboxed page
    ],
)
def test_without_a_token_a_browser_page_elsewhere_is_refused(
    client: Any, headers: dict[str, str]
) -> None:
    assert_error(client.post("/__admin/reset", headers=headers), 401, "ADMIN_TOKEN")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Host": "localhost:8080"}, {"Host": "[::1]:8080"}, {"Origin": "http://127.0.0.1:8080"}],
)
def test_without_a_token_this_machine_is_served(client: Any, headers: dict[str, str]) -> None:
    assert client.get("/__admin/clock", headers=headers).status_code == 200


def test_admin_input_is_checked_against_sandbox_yaml(admin: Admin) -> None:
    body = assert_error(admin.call("POST", "/seed", {"seed": "seven"}), 400, "INVALID_REQUEST")
    assert body["responseTuples"][0]["field"] == "seed"
    assert_error(admin.call("POST", "/reset", {"org": 7}), 400, "INVALID_REQUEST")
    assert_error(admin.call("GET", "/journal", query={"limit": 0}), 400, "INVALID_REQUEST")


# The app checks admin answers against sandbox.yaml: an undocumented status would be a 500.
@pytest.mark.parametrize("path", ["/reset", "/seed", "/clock/advance", "/faults", "/outcomes"])
def test_a_body_that_is_not_json_is_a_documented_415(admin: Admin, path: str) -> None:
    response = admin.client.post(f"/__admin{path}", data="x", content_type="text/plain")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_body_over_the_limit_is_a_documented_413(admin: Admin) -> None:
    rule = {"fault": "503", "path": "x" * 70_000}
    assert_error(admin.call("POST", "/faults", rule), 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("path", ["/faults/0", "/outcomes/0"])
def test_a_rule_id_below_one_is_a_documented_400(admin: Admin, path: str) -> None:
    assert_error(admin.call("DELETE", path), 400, "INVALID_REQUEST")


def _trade(api: Api, credentials: dict[str, str], co_id: str) -> str:
    token = api.token(credentials)
    return str(api.placed(token, api.pq_order(api.spot(token), coId=co_id))["orderId"])


def test_orders_shows_every_org(api: Api, admin: Admin) -> None:
    mine, theirs = _trade(api, EXAMPLE_LOGIN, "a-1"), _trade(api, TRADER_B, "b-1")
    assert [(o["orderId"], o["org"]) for o in admin.orders()] == [
        (mine, "apiOrganizationId"),
        (theirs, "orgB"),
    ]
    assert [o["orderId"] for o in admin.orders(org="orgB")] == [theirs]
    assert [o["coId"] for o in admin.orders(coId="a-1", status="RECEIVED")] == ["a-1"]


def test_reset_of_one_org_leaves_the_others_alone(api: Api, admin: Admin) -> None:
    _trade(api, EXAMPLE_LOGIN, "a-1")
    _trade(api, TRADER_B, "b-1")
    admin.outcome(org="orgB", outcome="REJECTED")
    admin.fault(org="apiOrganizationId", path="/nowhere", fault="503")
    result = admin.ok("POST", "/reset", {"org": "orgB"})
    assert result["org"] == "orgB"
    assert result["removed"]["orders"] == 1
    assert result["removed"]["outcomeRules"] == 1
    assert [o["coId"] for o in admin.orders()] == ["a-1"]
    assert len(admin.ok("GET", "/faults")) == 1
    assert [e["org"] for e in admin.journal(org="orgB")] == []
    assert admin.journal(org="apiOrganizationId")
    _trade(api, TRADER_B, "b-1")  # the coId is free again


def test_reset_of_everything(api: Api, admin: Admin) -> None:
    token = api.token()
    _trade(api, TRADER_B, "b-1")
    admin.fault(path="/nowhere", fault="503")
    admin.outcome(outcome="FILLED")
    removed = admin.ok("POST", "/reset")["removed"]
    assert removed["orders"] == 1
    assert removed["faultRules"] == removed["outcomeRules"] == 1
    assert admin.orders() == []
    assert admin.ok("GET", "/faults") == []
    assert admin.journal() == []
    assert api.get("/v2/orders", token).status_code == 200  # still logged in


def test_reset_with_sessions_logs_everyone_out(api: Api, admin: Admin) -> None:
    token = api.token()
    assert admin.ok("POST", "/reset", {"sessions": True})["removed"]["tokens"] >= 1
    assert_error(api.get("/v2/orders", token), 401, "TOKEN_INVALID")


def _prices_and_ids(api: Api) -> list[tuple[Any, ...]]:
    token = api.token()
    quotes = [api.spot(token) for _ in range(3)]
    placed = api.placed(token, api.pq_order(quotes[-1], coId="same"))
    return [*((q["bid"], q["rateId"]) for q in quotes), (placed["orderId"],)]


def test_full_reset_replays_the_same_sequences(api: Api, admin: Admin) -> None:
    first = _prices_and_ids(api)
    admin.ok("POST", "/reset")
    assert _prices_and_ids(api) == first


def test_seed_changes_prices_and_ids(api: Api, admin: Admin) -> None:
    assert admin.ok("GET", "/seed") == {"seed": 0}
    first = _prices_and_ids(api)
    assert admin.ok("POST", "/seed", {"seed": 42}) == {"seed": 42}
    admin.ok("POST", "/reset")  # a reset keeps the seed in use
    assert admin.ok("GET", "/seed") == {"seed": 42}
    second = _prices_and_ids(api)
    assert second != first
    admin.ok("POST", "/seed", {"seed": 42})
    admin.ok("POST", "/reset")
    assert _prices_and_ids(api) == second


def test_two_apps_in_one_process_share_nothing() -> None:
    config = Config.default(validate_responses=True)
    with made_app(config, clock=ManualClock()) as one, made_app(config, clock=ManualClock()) as two:
        api_one, api_two = api_of(one), api_of(two)
        admin_one, admin_two = Admin(one.test_client()), Admin(two.test_client())
        admin_one.fault(fault="503", path="/v2/rates/*")
        admin_one.outcome(outcome="REJECTED")
        admin_one.ok("POST", "/seed", {"seed": 9})
        admin_one.ok("POST", "/clock/advance", {"ms": 1000})
        token_one, token_two = api_one.token(), api_two.token()
        assert api_one.get("/v2/rates/spot?symbol=EUR%2FUSD", token_one).status_code == 503
        api_two.placed(token_two, api_two.pq_order(api_two.spot(token_two)))
        assert admin_two.ok("GET", "/faults") == admin_two.ok("GET", "/outcomes") == []
        assert admin_two.ok("GET", "/seed") == {"seed": 0}
        assert admin_two.ok("GET", "/clock")["now"] + 1000 == admin_one.ok("GET", "/clock")["now"]
        assert len(admin_two.orders()) == 1
        assert admin_one.orders() == []
        assert {e["path"] for e in admin_one.journal()} == {"/v2/sso/login", "/v2/rates/spot"}
        assert_error(api_one.get("/v2/orders", token_two), 401, "TOKEN_INVALID")
