"""What retries and renewals meet: a coId used again, a late cancel, a cookie, a body not JSON."""

# The renewal, the token as a cookie and its expiry are published (the renew page, the
# tutorials, the login answer's expiryTime), and so is the 401 for a wrong password (the spec's
# Unauthorized answer); the others are the sandbox's decisions where Integral's docs are silent
# (the spec says so in its x-sandbox-decision notes), marked `sandbox_decision`: a live venue
# that decides otherwise fails them, by name, and `-m "not sandbox_decision"` leaves them out.

from __future__ import annotations

import pytest

from integral_mock.contracts import calls, checks, credentials, visibility_checks
from integral_mock.contracts.desk import Desk, statuses

# The sandbox's header that fails a request with the status it names (README: faults).
SANDBOX_FAULT = "X-Sandbox-Fault"
RETRY_AFTER_FAULTS = ("429", "503")


@pytest.mark.sandbox_decision
def test_a_coid_used_again_is_a_400_and_the_first_order_stands(desk: Desk) -> None:
    # A client's blind retry of a POST sends the same body again: it must not trade twice.
    order = desk.pq(desk.quote())
    first = desk.submit(order)
    again = desk.call("placeOrder", body=order)
    name = "coid_used_again_is_refused"
    assert again.status_code == 400, (
        f"{name}: coId {order['coId']!r} placed again answered HTTP {again.status_code}: "
        f"{again.text_lossy()[:300]}"
    )
    code = (checks.json_of(again) or {}).get("errorCode")  # the spec names it: clients read it
    assert code == "DUPLICATE_COID", f"{name}: errorCode {code!r}, not 'DUPLICATE_COID'"
    found = desk.call("queryOrders", query={"coId": order["coId"]})
    assert found.status_code == 200, found.text_lossy()
    assert found.json()["orderId"] == first["orderId"], (
        f"{name}: coId {order['coId']!r} now names order {found.json()['orderId']}, "
        f"not {first['orderId']}"
    )


@pytest.mark.sandbox_decision
def test_cancelling_a_final_order_is_a_400_and_leaves_it_as_it_was(desk: Desk) -> None:
    seen = desk.poll_to_final(desk.place(desk.quote()))
    final = seen[-1]
    assert final["status"] in checks.FINAL, statuses(seen)
    cancel = desk.call("cancelOrder", path_parameters={"id": final["orderId"]})
    name = "final_order_cannot_be_cancelled"
    assert cancel.status_code == 400, (
        f"{name}: cancelling {final['status']} order {final['orderId']} answered HTTP "
        f"{cancel.status_code}"
    )
    code = (checks.json_of(cancel) or {}).get("errorCode")  # the spec names it
    assert code == "ORDER_FINAL", f"{name}: errorCode {code!r}, not 'ORDER_FINAL'"
    after = desk.order(final["orderId"])["status"]
    assert after == final["status"], f"{name}: order {final['orderId']} went to {after}"


def test_renewing_a_fresh_token_says_it_is_valid_and_the_token_it_gives_works(
    desk: Desk,
) -> None:
    renewed = desk.call("renewToken")
    name = "fresh_token_renews_as_valid"
    assert renewed.status_code == 200, renewed.text_lossy()
    body = renewed.json()
    assert (body.get("valid"), body.get("expired")) == (True, False), (
        f"{name}: a token issued a moment ago renews as valid={body.get('valid')!r}, "
        f"expired={body.get('expired')!r}"
    )
    tokens = renewed.headers.get(calls.TOKEN.lower())
    assert tokens, f"{name}: the renewal answered no {calls.TOKEN} header"
    spot = calls.send(desk.schema, "getSpotRate", tokens[0], query={"symbol": "EUR/USD"})
    assert spot.status_code == 200, f"{name}: the renewed token answers {spot.status_code}"


@pytest.mark.sandbox_decision  # "a live token keeps its value", so other threads keep working
def test_a_live_token_renewed_keeps_its_value_and_works(desk: Desk) -> None:
    renewed = desk.call("renewToken")
    assert renewed.status_code == 200, renewed.text_lossy()
    tokens = renewed.headers.get(calls.TOKEN.lower()) or [""]
    name = "live_token_keeps_its_value"
    assert tokens[0] == desk.token, f"{name}: renewing a live token answered another token"
    spot = calls.send(desk.schema, "getSpotRate", desk.token, query={"symbol": "EUR/USD"})
    assert spot.status_code == 200, f"{name}: after its renewal it answers {spot.status_code}"


def test_the_token_works_as_a_cookie_as_well_as_a_header(desk: Desk) -> None:
    # Integral's tutorials send the token as a cookie, its code samples as a header.
    quote = calls.request(desk.schema, "getSpotRate", None, query={"symbol": "EUR/USD"})
    quote.cookies = {calls.TOKEN: desk.token}
    response = quote.call()
    sent = response.request.headers.get(calls.TOKEN)
    assert not sent, f"the cookie test sent the token as a header too: {sent!r}"
    assert response.status_code == 200, (
        f"token_works_as_a_cookie: GET /v2/rates/spot with the token as a cookie answered "
        f"{response.status_code}"
    )


@pytest.mark.sandbox_decision
def test_an_order_body_that_is_not_json_is_a_400_error_object(desk: Desk) -> None:
    # integral-api.md's order rules: a wrong content type is a 400 error object, no order made.
    sent = calls.request(
        desk.schema, "placeOrder", desk.token, body="coId=form", media_type="text/plain"
    )
    response = sent.call()
    name = "body_not_json_is_a_400"
    assert response.status_code == 400, (
        f"{name}: a text/plain order answered {response.status_code}"
    )
    checks.error_body_is_error_object(None, response, sent)  # type: ignore[arg-type]
    code = checks.json_of(response).get("errorCode")  # the spec's BadRequest names it
    assert code == "UNSUPPORTED_MEDIA_TYPE", f"{name}: errorCode {code!r}"


def test_a_wrong_password_does_not_log_in(desk: Desk) -> None:
    caller = credentials.caller()
    wrong = {**caller.as_login(), "pass": f"{caller.password}, but wrong"}
    response = calls.send(desk.schema, "login", body=wrong)
    name = "wrong_password_is_refused"
    assert response.status_code == 401, (
        f"{name}: {caller.user}@{caller.org} with a wrong password answered {response.status_code}"
    )
    assert not response.headers.get(calls.TOKEN.lower()), f"{name}: it answered a token"


def _expired_token(desk: Desk) -> str:
    """A fresh login's token, once the (in-process) clock is a second past its expiryTime."""
    clock = desk.target.clock
    if clock is None:
        pytest.skip("live: waiting out a token's lifetime takes too long")
    login = calls.send(desk.schema, "login", body=credentials.caller().as_login())
    token, expiry = login.headers[calls.TOKEN.lower()][0], login.json()["expiryTime"]
    clock.advance(expiry - clock.now_ms() + 1000)
    return str(token)


def test_a_token_past_its_expiry_time_is_refused(desk: Desk) -> None:
    token = _expired_token(desk)
    spot = calls.send(desk.schema, "getSpotRate", token, query={"symbol": "EUR/USD"})
    assert spot.status_code == 401, (
        f"expired_token_is_refused: a token a second past its expiryTime answered "
        f"{spot.status_code}"
    )


@pytest.mark.sandbox_decision  # the errorCode literal, which the spec's 401 example names
def test_an_expired_token_is_refused_as_expired(desk: Desk) -> None:
    spot = calls.send(desk.schema, "getSpotRate", _expired_token(desk), query={"symbol": "EUR/USD"})
    code = (checks.json_of(spot) or {}).get("errorCode")
    assert (spot.status_code, code) == (401, "TOKEN_EXPIRED"), (
        f"expired_token_says_so: an expired token answered {spot.status_code} {code!r}, not 401 "
        "TOKEN_EXPIRED (a client renews on it)"
    )


def test_renewing_an_expired_token_issues_a_new_one_that_works(desk: Desk) -> None:
    # Published on the renew page: "if expired, a new token is issued".
    token = _expired_token(desk)
    renewed = calls.send(desk.schema, "renewToken", token)
    name = "expired_token_renews_as_a_new_one"
    assert renewed.status_code == 200, (
        f"{name}: renewing a token a second past its expiryTime answered {renewed.status_code}"
    )
    assert renewed.json().get("expired") is True, f"{name}: it says {renewed.json()!r}"
    tokens = renewed.headers.get(calls.TOKEN.lower()) or []
    assert tokens, f"{name}: the renewal answered no {calls.TOKEN} header"
    assert tokens[0] != token, f"{name}: it answered the expired token again"
    spot = calls.send(desk.schema, "getSpotRate", tokens[0], query={"symbol": "EUR/USD"})
    assert spot.status_code == 200, f"{name}: the new token answers {spot.status_code}"


@pytest.mark.sandbox_decision  # the spec: an expired token renewed "stops working"
def test_an_expired_token_once_renewed_renews_no_more(desk: Desk) -> None:
    token = _expired_token(desk)
    first = calls.send(desk.schema, "renewToken", token)
    assert first.status_code == 200, first.text_lossy()
    again = calls.send(desk.schema, "renewToken", token)
    assert again.status_code == 401, (
        f"replaced_token_is_revoked: the expired token, renewed once into a new one, renewed "
        f"again and answered {again.status_code}"
    )


@pytest.mark.sandbox_decision  # 404, where a venue may answer 401 as for a wrong password
def test_a_login_to_an_unknown_org_is_a_404_error_object(desk: Desk) -> None:
    caller = credentials.caller()
    unknown = {**caller.as_login(), "org": f"{caller.org}-no-such-org"}
    login = calls.request(desk.schema, "login", body=unknown)
    response = login.call()
    name = "unknown_org_is_a_404"
    assert response.status_code == 404, (
        f"{name}: a login to org {unknown['org']!r} answered {response.status_code}"
    )
    assert not response.headers.get(calls.TOKEN.lower()), f"{name}: it answered a token"
    checks.error_body_is_error_object(None, response, login)  # type: ignore[arg-type]


@pytest.mark.sandbox_decision  # DELETE /v2/orders is third-party evidence
def test_cancelling_all_orders_cancels_a_working_one(desk: Desk) -> None:
    with desk.resting(desk.quote()) as placed:
        cancel = desk.call("cancelAllOrders")
        assert cancel.status_code == 202, cancel.text_lossy()
        status = desk.order(placed["orderId"])["status"]
        name = "cancel_all_cancels_every_active_order"
        assert status == checks.CANCELLED, f"{name}: order {placed['orderId']} is {status}"
        assert placed["orderId"] not in desk.active_ids(), f"{name}: it is still listed active"


@pytest.mark.sandbox_decision  # DELETE /v2/orders, and the second org is the sandbox's traderB
def test_cancelling_all_orders_leaves_another_orgs_working_order_alone(
    desk: Desk, other_desk: Desk
) -> None:
    with other_desk.resting(other_desk.quote()) as theirs:
        cancel = desk.call("cancelAllOrders")
        assert cancel.status_code == 202, cancel.text_lossy()
        afterwards = other_desk.order(theirs["orderId"])
        visibility_checks.cancel_all_spares_other_orgs(theirs, afterwards)
        other_desk.cancel_quietly(theirs["orderId"])


@pytest.mark.parametrize("fault", ["429", "500", "502", "503", "504"])
def test_a_refused_or_failed_request_answers_the_error_object(desk: Desk, fault: str) -> None:
    # A client retries on these: the spec sends Retry-After with a 429 and a 503, and every
    # 4xx and 5xx is the error object as JSON. The sandbox fails a request on demand; a server
    # that does not (Integral's own) skips.
    case = calls.request(desk.schema, "getSpotRate", desk.token, query={"symbol": "EUR/USD"})
    case.headers[SANDBOX_FAULT] = fault
    response = case.call()
    if response.status_code != int(fault):
        pytest.skip(f"the server fails no request on {SANDBOX_FAULT} (the sandbox's own header)")
    checks.error_body_is_error_object(None, response, case)  # type: ignore[arg-type]
    checks.request_id_is_echoed(None, response, case)  # type: ignore[arg-type]
    if fault in RETRY_AFTER_FAULTS:
        wait = response.headers.get("retry-after") or [""]
        assert wait[0].isdigit(), (
            f"retry_after_is_sent: a {fault} answered Retry-After {wait[0]!r}, not seconds"
        )
