"""A token lives as long as its answer says, a renewal moves that on, a bad login is a 400."""

# Published: the login answer's `expiryTime` is when the token expires (epoch ms), and the
# renewal answers the login envelope, so its `expiryTime` is when the renewed token expires.
# A token that dies before the time it was given with breaks every client that renews ahead
# of expiryTime, as the published 60 s example invites. The 400 for a malformed login body
# (401 being a wrong user or password) is a sandbox decision (integral-api.md, endpoint 1).

from __future__ import annotations

import pytest

from integral_mock.contracts import calls, checks, credentials
from integral_mock.contracts.desk import Desk

# How long before its expiryTime the token is tried: a few requests' ticks of the sandbox's
# clock (each moves it 20 ms) and then some.
BEFORE_EXPIRY_MS = 2000


def _spot(desk: Desk, token: str) -> int:
    """The HTTP status of a spot rate asked for with `token`."""
    return calls.send(desk.schema, "getSpotRate", token, query={"symbol": "EUR/USD"}).status_code


def test_a_token_works_until_its_expiry_time_and_a_renewal_moves_that_on(desk: Desk) -> None:
    clock = desk.target.clock
    if clock is None:
        pytest.skip("live: waiting out a token's lifetime takes too long")
    login = calls.send(desk.schema, "login", body=credentials.caller().as_login())
    token, expiry = login.headers[calls.TOKEN.lower()][0], login.json()["expiryTime"]
    clock.advance(expiry - clock.now_ms() - BEFORE_EXPIRY_MS)
    status = _spot(desk, token)
    assert status == 200, (
        f"token_lives_until_its_expiry_time: a token {BEFORE_EXPIRY_MS} ms before the "
        f"expiryTime its login answered ({expiry}) answered HTTP {status}"
    )
    renewed = calls.send(desk.schema, "renewToken", token)
    name = "renewal_moves_the_expiry_on"
    assert renewed.status_code == 200, f"{name}: the renewal answered {renewed.status_code}"
    later = renewed.json()["expiryTime"]
    assert later > expiry, f"{name}: renewed to expiryTime {later}, the login said {expiry}"
    token = renewed.headers[calls.TOKEN.lower()][0]
    # A second past the expiry the login gave, and long before the one the renewal gave.
    clock.advance(expiry - clock.now_ms() + 1000)
    status = _spot(desk, token)
    assert status == 200, (
        f"{name}: the renewal answered expiryTime {later}; a second past the login's "
        f"{expiry}, its token answered HTTP {status}"
    )


@pytest.mark.sandbox_decision  # 400 for a malformed login body, 401 for wrong credentials
def test_a_login_without_a_password_is_a_400_error_object(desk: Desk) -> None:
    caller = credentials.caller()
    login = calls.request(desk.schema, "login", body={"user": caller.user, "org": caller.org})
    response = login.call()
    name = "malformed_login_is_a_400"
    assert response.status_code == 400, (
        f"{name}: a login without `pass` answered {response.status_code}, as if the password "
        "were wrong (401) or the org unknown (404)"
    )
    assert not response.headers.get(calls.TOKEN.lower()), f"{name}: it answered a token"
    checks.error_body_is_error_object(None, response, login)  # type: ignore[arg-type]
