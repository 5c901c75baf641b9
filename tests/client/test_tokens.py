"""The SSO token: kept from login, renewed ahead despite skew, replaced on 401, kept home."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from integral_mock.client import ApiError, Unauthorized
from integral_mock.client.auth import Token, TokenAuth
from tests.client.network import ELSEWHERE
from tests.client.support import RecordingSession

THIRTY_MINUTES = 30 * 60


def _tokens_sent(recorder):
    return [e.request_headers.get("SSO_TOKEN") for e in recorder.recorded]


def test_login_keeps_the_token_and_sends_it_as_header_and_cookie(client, recorder):
    result = client.login()
    client.spot_rate("EUR/USD")

    assert result.lifetime_ms == THIRTY_MINUTES * 1000
    token = recorder.recorded[0].response.headers["SSO_TOKEN"]
    spot = recorder.recorded[1]
    assert spot.request_headers["SSO_TOKEN"] == token
    assert spot.request_headers["Cookie"] == f"SSO_TOKEN={token}"


def test_calls_log_in_by_themselves(client, recorder):
    client.spot_rate("EUR/USD")
    client.spot_rate("EUR/USD")

    assert recorder.calls() == [
        "POST /v2/sso/login 200",
        "GET /v2/rates/spot 200",
        "GET /v2/rates/spot 200",
    ]


def test_renew_extends_the_token_and_later_calls_use_what_it_answers(client, recorder, sandbox):
    login = client.login()
    sandbox.clock.advance(600_000)
    renewed = client.renew()
    client.spot_rate("EUR/USD")

    assert (renewed.valid, renewed.expired, renewed.api_version) == (True, False, "1.0.1")
    assert renewed.expiry_time == login.expiry_time + 600_000
    token = recorder.recorded[1].response.headers["SSO_TOKEN"]
    assert recorder.recorded[2].request_headers["SSO_TOKEN"] == token


def test_renewing_an_expired_token_answers_a_new_one(client, recorder, sandbox):
    client.login()
    sandbox.clock.advance((THIRTY_MINUTES + 1) * 1000)
    renewed = client.renew()
    client.spot_rate("EUR/USD")

    assert (renewed.valid, renewed.expired) == (True, True)
    old, new = (recorder.recorded[i].response.headers["SSO_TOKEN"] for i in (0, 1))
    assert old != new
    assert recorder.recorded[2].request_headers["SSO_TOKEN"] == new


@pytest.mark.parametrize(
    ("sandbox_config", "before", "after"),
    [
        pytest.param({}, THIRTY_MINUTES - 61, THIRTY_MINUTES - 59, id="30-min-token"),
        # The published example's 60 s token: renewed half way, not on every call.
        pytest.param({"token_lifetime_ms": 60_000}, 29, 31, id="60-s-token"),
    ],
    indirect=["sandbox_config"],
)
def test_the_token_is_renewed_ahead_of_expiry(client, recorder, sandbox, before, after):
    client.spot_rate("EUR/USD")
    sandbox.clock.advance(before * 1000)
    client.spot_rate("EUR/USD")
    sandbox.clock.advance((after - before) * 1000)
    client.spot_rate("EUR/USD")

    assert recorder.paths() == [
        "/v2/sso/login",
        "/v2/rates/spot",
        "/v2/rates/spot",
        "/v2/sso/token/renew",
        "/v2/rates/spot",
    ]


def test_renewal_ignores_a_skewed_client_clock(make_client, recorder, sandbox, virtual_time):
    # Two hours ahead of the server: comparing expiryTime with this clock would say "expired".
    client = make_client(clock=lambda: virtual_time.clock() + 7200)
    client.spot_rate("EUR/USD")
    sandbox.clock.advance(60_000)
    client.spot_rate("EUR/USD")

    assert recorder.paths() == ["/v2/sso/login", "/v2/rates/spot", "/v2/rates/spot"]


def test_a_token_the_server_expired_early_is_replaced_by_one_new_login(
    make_client, recorder, sandbox
):
    # A client clock that stands still cannot see expiry coming; the server's 401 tells it.
    client = make_client(clock=lambda: 0.0)
    client.spot_rate("EUR/USD")
    sandbox.clock.advance((THIRTY_MINUTES + 1) * 1000)

    rate = client.spot_rate("EUR/USD")

    assert rate.symbol == "EUR/USD"
    assert recorder.calls() == [
        "POST /v2/sso/login 200",
        "GET /v2/rates/spot 200",
        "GET /v2/rates/spot 401",
        "POST /v2/sso/login 200",
        "GET /v2/rates/spot 200",
    ]
    assert recorder.recorded[2].response.json()["errorCode"] == "TOKEN_EXPIRED"


def test_a_second_401_in_a_row_is_raised(make_client, recorder, faults):
    client = make_client()
    client.login()
    faults.add("GET", "/v2/rates/spot", "status:401", "status:401")

    with pytest.raises(Unauthorized):
        client.spot_rate("EUR/USD")

    assert recorder.paths() == [
        "/v2/sso/login",
        "/v2/rates/spot",
        "/v2/sso/login",
        "/v2/rates/spot",
    ]


def test_a_redirect_is_raised_not_followed_so_the_token_goes_to_no_other_host(make_client, faults):
    session = requests.Session()  # not recorded: a 302 is no answer the spec has
    session.mount("http://", faults)
    client = make_client(session=session)
    client.login()
    faults.add("GET", "/v2/rates/spot", "redirect")

    with pytest.raises(ApiError) as caught:
        client.spot_rate("EUR/USD")
    session.close()

    assert (type(caught.value), caught.value.status) == (ApiError, 302)
    assert f"to {ELSEWHERE} (not followed" in str(caught.value)
    assert faults.sent == [("POST", "/v2/sso/login")]  # nothing went to the other host


def test_the_token_cookie_is_the_clients_own_beside_the_sessions_others(
    make_client, recorder, sandbox
):
    session = RecordingSession(recorder)
    client = make_client(session=session)
    client.login()
    # A cookie a balancer set stays; an SSO_TOKEN the server set (for another client sharing
    # the session, say) must not travel in place of, or beside, this client's token.
    host = urlsplit(sandbox.base_url).hostname
    session.cookies.set("affinity", "node-2", domain=host)
    session.cookies.set("SSO_TOKEN", "stale-token-of-someone-else", domain=host)

    client.spot_rate("EUR/USD")
    session.close()

    token = recorder.recorded[0].response.headers["SSO_TOKEN"]
    sent = recorder.recorded[1].request_headers
    assert sent["SSO_TOKEN"] == token
    assert sent["Cookie"] == f"affinity=node-2; SSO_TOKEN={token}"


def test_no_repr_shows_a_token():
    assert "s3cret-token" not in repr(Token("s3cret-token", 0.0, 60.0))
    assert "s3cret-token" not in repr(TokenAuth("s3cret-token"))
