"""Servers that answer oddly or wrongly: each answer is a typed result or a documented error."""

from __future__ import annotations

import time

import pytest

from integral_mock.client import (
    ApiError,
    BadRequest,
    Forbidden,
    RetryPolicy,
    TransportError,
)
from tests.client.fake_server import (
    LOGIN,
    PASSWORD,
    RATE,
    SPOT,
    START,
    Answer,
    client_of,
    error,
    login_ok,
)


def test_json_nested_past_the_stack_is_a_transport_error(server, odd):
    server.script("GET", SPOT, Answer(200, b"[" * 100_000))

    with pytest.raises(TransportError, match="not JSON"):
        odd.get_spot_rate("EUR/USD")


def test_a_rate_for_another_pair_is_refused(server, odd):
    # trade_pq orders the rate's own symbol: USD/JPY asked, EUR/USD traded.
    server.script("GET", SPOT, Answer(200, RATE))

    with pytest.raises(TransportError, match="symbol 'USD/JPY'"):
        odd.get_spot_rate("USD/JPY")


def test_a_book_of_another_type_or_pair_is_refused(server, odd):
    level = {**RATE, "provider": "LP-Alpha"}
    book = {"symbol": "EUR/USD", "type": "RAW", "time": START, "levels": [level]}
    server.script("GET", f"{SPOT}/FULL", Answer(200, book))
    server.script("GET", f"{SPOT}/RAW", Answer(200, {**book, "symbol": "GBP/USD"}))

    with pytest.raises(TransportError, match="book type"):
        odd.spot_book("EUR/USD")
    with pytest.raises(TransportError, match="symbol"):
        odd.get_spot_rate_by_type("RAW", "EUR/USD")


RENEW = "/v2/sso/token/renew"


def _renewed_body() -> dict[str, object]:
    """A renewal's body, answered without the SSO_TOKEN header the spec requires."""
    body: dict[str, object] = login_ok().body
    return {**body, "valid": True, "apiVersion": "1.0.1", "expired": False}


@pytest.mark.parametrize(
    "renewal",
    [error(404, "NOT_FOUND"), error(405, "METHOD_NOT_ALLOWED"), Answer(200, _renewed_body())],
    ids=["404", "405", "no token"],
)
def test_a_renewal_that_fails_is_a_new_login_not_a_failed_call(server, odd, time_, renewal):
    first, second = login_ok("first-token-0123456", 120_000), login_ok("second-token-0123")
    server.script("POST", LOGIN, first, second)
    server.script("GET", RENEW, renewal)
    server.script("GET", SPOT, Answer(200, RATE))
    odd.get_spot_rate("EUR/USD")
    time_.now = 100  # within the 60 s renew margin of the 120 s token

    assert odd.get_spot_rate("EUR/USD").rate_id == "r1"

    assert server.count("POST", LOGIN) == 2
    assert "second-token-0123" in server.seen[-1].headers["Cookie"]


def test_a_token_is_sent_without_the_spaces_around_it(server, odd):
    server.script("POST", LOGIN, login_ok("  spaced-token-0123  "))
    server.script("GET", SPOT, Answer(200, RATE))

    odd.get_spot_rate("EUR/USD")

    assert server.seen[-1].headers["Cookie"] == "SSO_TOKEN=spaced-token-0123"


def test_a_password_or_token_echoed_in_an_error_is_hidden(server, odd):
    tuples = [{"field": "pass", "value": PASSWORD}]
    echo = error(400, "INVALID_REQUEST", f"bad login {{'pass': {PASSWORD!r}}}")
    echo.body["responseTuples"] = tuples
    server.script("POST", LOGIN, echo, login_ok("the-token-012345678"))
    server.script("GET", SPOT, error(403, "FORBIDDEN", "token the-token-012345678 may not"))

    with pytest.raises(BadRequest) as login:
        odd.login()
    with pytest.raises(Forbidden) as call:
        odd.get_spot_rate("EUR/USD")

    shown = [str(login.value), repr(login.value.response_tuples), str(call.value)]
    assert not [text for text in shown if PASSWORD in text or "the-token" in text]
    assert "<password hidden>" in shown[0]
    assert "<token hidden>" in shown[2]


def test_an_error_code_stays_as_sent_with_a_short_password_inside_it(server, time_):
    # place_order's retry logic reads DUPLICATE_COID; redacted, it would read DUPLICATE_<…>.
    server.script("POST", LOGIN, login_ok())
    server.script("GET", SPOT, error(400, "DUPLICATE_COID", "COID used"))

    with client_of(server, time_, password="COID") as client:
        with pytest.raises(BadRequest) as refused:
            client.get_spot_rate("EUR/USD")

    assert refused.value.error_code == "DUPLICATE_COID"
    assert refused.value.error_message == "<password hidden> used"


def test_a_login_refused_in_the_body_of_a_200_is_an_api_error_with_its_code(server, odd):
    # Integral's login envelope has a status and errorCode of its own; its refusals' codes are
    # unpublished, and a venue may well send them with HTTP 200.
    refused = error(200, "INVALID_CREDENTIALS", f"no such login: {PASSWORD}")
    server.script("POST", LOGIN, refused)

    with pytest.raises(ApiError) as login:
        odd.login()

    assert (login.value.status, login.value.error_code) == (200, "INVALID_CREDENTIALS")
    assert PASSWORD not in str(login.value)


def test_a_body_trickling_in_past_the_timeout_is_a_timeout(server, time_):
    # Each byte comes well within the timeout; the body as a whole would take 3 s.
    server.script("GET", SPOT, Answer(200, [b" "] * 15 + [b"{}"], pace=0.2))
    started = time.monotonic()

    with client_of(server, time_, timeout=0.5, retry=RetryPolicy(retries=0)) as client:
        with pytest.raises(TransportError, match="200, then the body took over 0.5s to arrive"):
            client.get_spot_rate("EUR/USD")

    assert time.monotonic() - started < 1.5


def test_a_book_without_levels_is_refused_not_an_index_error_later(server, odd):
    book = {"symbol": "EUR/USD", "type": "FULL", "time": START, "levels": []}
    server.script("GET", f"{SPOT}/FULL", Answer(200, book))

    with pytest.raises(TransportError, match="at least one level"):
        assert odd.spot_book("EUR/USD").best
