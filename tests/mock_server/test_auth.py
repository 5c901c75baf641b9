"""Login, header and cookie auth, token expiry and renewal."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import EXAMPLE_LOGIN, TRADER_B, VIEWER, Api, assert_error, error_fields

SPOT = "/v2/rates/spot?symbol=EUR%2FUSD"
RENEW_PATHS = ["/v2/sso/token/renew", "/sso/tokens/renew"]


@pytest.mark.parametrize("credentials", [EXAMPLE_LOGIN, TRADER_B, VIEWER])
def test_login_answers_the_envelope_and_the_token_twice(
    api: Api, clock: ManualClock, config: Config, credentials: dict[str, str]
) -> None:
    response = api.login(credentials)
    assert response.status_code == 200
    assert response.json == {
        "status": "OK",
        "errorCode": None,
        "responseTuples": None,
        "expiryTime": clock.now_ms() + config.token_lifetime_ms,
        "serverUTCTime": clock.now_ms(),
    }
    token = response.headers["SSO_TOKEN"]
    assert len(token) >= 16
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"SSO_TOKEN={token};")
    assert "Path=/" in cookie


def test_every_login_gets_its_own_token(api: Api) -> None:
    assert len({api.token() for _ in range(5)}) == 5


@pytest.mark.parametrize(
    ("credentials", "status", "code"),
    [
        ({**EXAMPLE_LOGIN, "pass": "wrong"}, 401, "INVALID_CREDENTIALS"),
        ({**EXAMPLE_LOGIN, "pass": "This is a long password"}, 401, "INVALID_CREDENTIALS"),
        ({**EXAMPLE_LOGIN, "user": "nobody"}, 401, "INVALID_CREDENTIALS"),
        ({**TRADER_B, "org": "apiOrganizationId"}, 401, "INVALID_CREDENTIALS"),
        ({**EXAMPLE_LOGIN, "pass": TRADER_B["pass"]}, 401, "INVALID_CREDENTIALS"),
        ({**EXAMPLE_LOGIN, "org": "noSuchOrg"}, 404, "UNKNOWN_ORG"),
    ],
)
def test_login_refused(api: Api, credentials: dict[str, str], status: int, code: str) -> None:
    body = assert_error(api.login(credentials), status, code)
    assert "SSO_TOKEN" not in api.login(credentials).headers
    assert credentials["pass"] not in body["errorMessage"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"user": "apiUserId"}, {"pass", "org"}),
        ({}, {"user", "pass", "org"}),
        ({**EXAMPLE_LOGIN, "pass": 12345}, {"pass"}),
        ({**EXAMPLE_LOGIN, "user": ""}, {"user"}),
        ({**EXAMPLE_LOGIN, "org": None}, {"org"}),
        (["apiUserId"], {"body"}),
    ],
)
def test_malformed_login_is_400_naming_the_fields(api: Api, body: Any, fields: set[str]) -> None:
    error = assert_error(api.client.post("/v2/sso/login", json=body), 400, "INVALID_REQUEST")
    assert error_fields(error) == fields


def test_login_with_broken_json_is_400(api: Api) -> None:
    response = api.client.post("/v2/sso/login", data="{", content_type="application/json")
    assert_error(response, 400, "INVALID_REQUEST")


def test_header_auth_works_without_cookies(app: Flask, api: Api) -> None:
    token = api.token()
    fresh = app.test_client(use_cookies=False)
    assert fresh.get(SPOT, headers={"SSO_TOKEN": token}).status_code == 200


def test_cookie_auth_works_without_the_header(app: Flask, api: Api) -> None:
    api.token()  # the test client keeps the Set-Cookie of the login
    assert api.client.get(SPOT).status_code == 200
    other = app.test_client()
    assert_error(other.get(SPOT), 401, "TOKEN_MISSING")
    other.set_cookie("SSO_TOKEN", api.token())
    assert other.get(SPOT).status_code == 200


def test_token_lives_exactly_its_lifetime(api: Api, clock: ManualClock, config: Config) -> None:
    token = api.token()
    clock.advance(config.token_lifetime_ms - 1)
    assert api.get(SPOT, token).status_code == 200
    clock.advance(1)
    assert_error(api.get(SPOT, token), 401, "TOKEN_EXPIRED")


@pytest.mark.parametrize(
    "config", [Config.default(validate_responses=True, token_lifetime_ms=60_000)]
)
def test_token_lifetime_is_configurable(api: Api, clock: ManualClock) -> None:
    login = api.login()
    assert login.json["expiryTime"] - login.json["serverUTCTime"] == 60_000
    clock.advance(60_000)
    assert_error(api.get(SPOT, login.headers["SSO_TOKEN"]), 401, "TOKEN_EXPIRED")


@pytest.mark.parametrize("path", RENEW_PATHS)
def test_renewing_a_live_token_keeps_its_value_and_extends_it(
    api: Api, clock: ManualClock, config: Config, path: str
) -> None:
    token = api.token()
    clock.advance(config.token_lifetime_ms - 1)
    renewed = api.get(path, token)
    assert renewed.status_code == 200
    assert renewed.json["valid"] is True
    assert renewed.json["expired"] is False
    assert renewed.json["apiVersion"] == "1.0.1"
    assert renewed.json["expiryTime"] == clock.now_ms() + config.token_lifetime_ms
    assert renewed.json["serverUTCTime"] == clock.now_ms()
    assert renewed.headers["SSO_TOKEN"] == token
    assert renewed.headers["Set-Cookie"].startswith(f"SSO_TOKEN={token};")
    clock.advance(config.token_lifetime_ms - 1)  # long past the first expiry
    assert api.get(SPOT, token).status_code == 200
    clock.advance(1)
    assert_error(api.get(SPOT, token), 401, "TOKEN_EXPIRED")


@pytest.mark.parametrize("path", RENEW_PATHS)
def test_renewing_an_expired_token_issues_a_new_one(
    api: Api, clock: ManualClock, config: Config, path: str
) -> None:
    token = api.token()
    clock.advance(config.token_lifetime_ms)
    renewed = api.get(path, token)
    assert renewed.status_code == 200
    assert renewed.json["expired"] is True
    assert renewed.json["valid"] is True
    new = renewed.headers["SSO_TOKEN"]
    assert new != token
    assert renewed.headers["Set-Cookie"].startswith(f"SSO_TOKEN={new};")
    assert api.get(SPOT, new).status_code == 200
    assert_error(api.get(SPOT, token), 401, "TOKEN_INVALID")  # the old one is spent
    assert_error(api.get(path, token), 401, "TOKEN_INVALID")


@pytest.mark.parametrize("path", RENEW_PATHS)
def test_renewal_grace_ends_exactly_after_renew_grace_ms(
    api: Api, clock: ManualClock, config: Config, path: str
) -> None:
    late, too_late = api.token(), api.token()
    clock.advance(config.token_lifetime_ms + config.renew_grace_ms - 1)
    assert api.get(path, late).json["expired"] is True
    clock.advance(1)
    assert_error(api.get(path, too_late), 401, "TOKEN_EXPIRED")


def test_renew_works_with_the_cookie(api: Api) -> None:
    token = api.token()
    renewed = api.client.get("/v2/sso/token/renew")
    assert renewed.status_code == 200
    assert renewed.headers["SSO_TOKEN"] == token


def test_renewed_viewer_still_may_not_trade(api: Api, clock: ManualClock, config: Config) -> None:
    token = api.token(VIEWER)
    clock.advance(config.token_lifetime_ms)
    new = api.get("/v2/sso/token/renew", token).headers["SSO_TOKEN"]
    assert_error(api.place(new, api.pq_order(api.spot(new))), 403, "FORBIDDEN")
