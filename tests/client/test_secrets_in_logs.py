"""Secrets a server echoes back, anywhere it may: never in a log line, an exception or a note."""

from __future__ import annotations

import logging
import traceback

import pytest

from integral_mock.client import HmacAuth, IntegralClient, IntegralError
from tests.client.fake_server import (
    LOGIN,
    ORDERS,
    PASSWORD,
    RATE,
    SPOT,
    Answer,
    client_of,
    error,
    login_ok,
)
from tests.client.test_odd_orders import _pq

TOKEN, NEW_TOKEN, SECRET = "first-token-0123456789", "second-token-0123456789", "an hmac secret"
RENEW = "/v2/sso/token/renew"


def _shown(exc: BaseException) -> str:
    """All an exception shows: its traceback with every cause, repr, notes and fields."""
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(vars(exc))


def _echoing(secret: str) -> list[Answer]:
    """Error answers that put `secret` wherever a server or proxy may put text."""
    in_body = error(400, "INVALID_REQUEST", f"bad: {secret}")
    in_body.body["responseTuples"] = [{"field": "pass", "value": secret}]
    return [
        in_body,
        Answer(502, b"<html>proxy</html>", {"Content-Type": "text/html"}, reason=f"no {secret}"),
        Answer(302, b"", {"Location": f"https://sso.invalid/login?token={secret}"}),
        Answer(200, {"symbol": "EUR/USD", "bid": secret}),  # a field of the wrong type
    ]


@pytest.fixture
def debug_log(caplog):
    caplog.set_level(logging.DEBUG)  # the root logger: urllib3's and requests' lines too
    return caplog


def _each_failure(call, answers: list[Answer], server, path: str) -> list[str]:
    shown = []
    for answer in answers:
        server.script("GET", path, answer)
        with pytest.raises(IntegralError) as caught:
            call()
        shown.append(_shown(caught.value))
    return shown


def test_a_password_and_tokens_stay_hidden_at_debug(server, time_, debug_log):
    login_echo = error(401, "BAD_LOGIN", f"user u pass {PASSWORD}")
    server.script("POST", LOGIN, login_echo, login_ok(TOKEN, 120_000), login_ok(NEW_TOKEN))
    server.script("GET", RENEW, error(401, "TOKEN_INVALID", f"{TOKEN} is dead"))
    server.script("POST", ORDERS, error(503, "BUSY", f"busy with {TOKEN}", **{"Retry-After": "1"}))
    server.script("GET", ORDERS, error(500, "BROKEN", f"no order for {TOKEN}"))
    shown = []

    with client_of(server, time_) as client:
        with pytest.raises(IntegralError) as refused:
            client.login()
        shown.append(_shown(refused.value))
        server.script("GET", SPOT, Answer(200, RATE))
        client.get_spot_rate("EUR/USD")
        time_.now = 100  # due for renewal: refused, echoing the token, so a new login
        client.get_spot_rate("EUR/USD")
        shown += _each_failure(
            lambda: client.get_spot_rate("EUR/USD"), _echoing(NEW_TOKEN), server, SPOT
        )
        shown += _each_failure(
            lambda: client.get_spot_rate("EUR/USD"), _echoing(PASSWORD), server, SPOT
        )
        with pytest.raises(IntegralError) as placing:
            client.place_order(_pq())
        shown.append(_shown(placing.value))

    assert server.count("POST", LOGIN) == 3
    for secret in (PASSWORD, TOKEN, NEW_TOKEN):
        assert secret not in debug_log.text
        assert not [text for text in shown if secret in text]


def test_an_hmac_secret_stays_hidden_at_debug(server, time_, debug_log):
    with IntegralClient(server.base_url, auth=HmacAuth("u", SECRET), sleep=time_.sleep) as client:
        shown = _each_failure(
            lambda: client.get_spot_rate("EUR/USD"), _echoing(SECRET), server, SPOT
        )
        shown.append(repr(client) + repr(vars(client)))

    assert SECRET not in debug_log.text
    assert not [text for text in shown if SECRET in text]
