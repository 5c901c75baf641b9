"""HMAC signing instead of a token: what is signed is what is sent, and a bad one is a 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest

from integral_mock.client import (
    HmacAuth,
    IntegralClient,
    OrderRequest,
    OrderStatus,
    Side,
    Unauthorized,
)
from integral_mock.client.hmac_auth import ALGORITHM, SIGNED
from tests.client.support import SECRET, RecordingSession

PARAM = re.compile(r'(\w+)="([^"]*)"')


def _check_signature(exchange, secret=SECRET):
    """Recompute the signature of one recorded request from the bytes that went out."""
    request = exchange.response.request
    headers = request.headers
    params = dict(PARAM.findall(headers["Authorization"].removeprefix("hmac ")))
    url = urlsplit(request.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    body = request.body or b""
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    text = "\n".join(
        [
            f"date: {headers['Date']}",
            f"digest: {digest}",
            f"{request.method} {target} HTTP/1.1",  # request-line: unprefixed, as published
        ]
    )
    mac = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    assert headers["type"] == "hmac"
    assert headers["Digest"] == digest
    assert params == {
        "username": "apiUserId",
        "algorithm": "hmac-sha256",
        "headers": "date digest request-line",
        "signature": base64.b64encode(mac).decode(),
    }


def test_signed_calls_need_no_login_and_carry_no_token(signed_client, recorder, virtual_time):
    rate = signed_client.spot_rate("EUR/USD")
    placed = signed_client.place_order(OrderRequest.pq(rate, Side.BUY, Decimal(1000)))
    signed_client.spot_book("EUR/USD", org="apiOrganizationId")
    signed_client.market_data_sets(symbols=["EUR/USD", "USD/JPY"], time_window="0800-1200")
    filled = signed_client.wait_for_final(placed.order_id)
    (trade,) = signed_client.download_trades(max_count=5)
    resent = signed_client.resend_trades(trade.executed_at, trade.executed_at)

    assert filled.status is OrderStatus.FILLED
    assert (trade.order_id, resent.resent) == (filled.order_id, 1)
    assert "/v2/sso/login" not in recorder.paths()
    for exchange in recorder.recorded:
        assert exchange.status < 400, exchange
        assert "SSO_TOKEN" not in exchange.request_headers
        assert "Cookie" not in exchange.request_headers
        _check_signature(exchange)
    # The query is signed as sent (still URL-encoded), and Date is the sandbox's clock.
    first = recorder.recorded[0].response.request
    assert first.path_url == "/v2/rates/spot?symbol=EUR%2FUSD"
    sent_at = parsedate_to_datetime(first.headers["Date"]).timestamp()
    assert abs(sent_at - virtual_time.clock()) < 2


def test_a_signed_cancel_and_a_signed_post_with_a_body_are_accepted(signed_client, recorder):
    rate = signed_client.spot_rate("EUR/USD")
    resting = OrderRequest.limit("EUR/USD", Side.BUY, 1000, rate.bid - Decimal("0.01"))
    placed = signed_client.place_order(resting)

    signed_client.cancel_order(placed.order_id)

    assert signed_client.get_order(placed.order_id).status is OrderStatus.CANCELLED
    assert recorder.calls()[1:3] == [
        "POST /v2/orders 202",
        f"DELETE /v2/orders/{placed.order_id} 202",
    ]
    assert recorder.recorded[1].response.request.body  # a real body, digested as sent
    for exchange in recorder.recorded:
        _check_signature(exchange)


def test_a_wrong_secret_is_a_401_raised_at_once(make_client, recorder, virtual_time):
    client = make_client(auth=HmacAuth("apiUserId", "not the secret", clock=virtual_time.clock))

    with pytest.raises(Unauthorized) as caught:
        client.spot_rate("EUR/USD")

    assert caught.value.error_code == "HMAC_INVALID"
    assert "Signature" in caught.value.error_message
    assert recorder.calls() == ["GET /v2/rates/spot 401"]  # no login, no retry
    _check_signature(recorder.recorded[0], "not the secret")


@pytest.mark.parametrize(("offset", "accepted"), [(-290, True), (290, True), (-310, False)])
def test_the_date_must_be_within_five_minutes_of_the_servers_clock(
    make_client, virtual_time, offset, accepted
):
    skewed = HmacAuth("apiUserId", SECRET, clock=lambda: virtual_time.clock() + offset)
    client = make_client(auth=skewed)

    if accepted:
        assert client.spot_rate("EUR/USD").symbol == "EUR/USD"
    else:
        with pytest.raises(Unauthorized) as caught:
            client.spot_rate("EUR/USD")
        assert "five minutes" in caught.value.error_message


def test_an_unknown_user_is_a_401(make_client, virtual_time):
    client = make_client(auth=HmacAuth("nobody", SECRET, clock=virtual_time.clock))

    with pytest.raises(Unauthorized):
        client.active_orders()


def test_hmac_auth_signs_plain_requests_too(sandbox, recorder, virtual_time):
    session = RecordingSession(recorder)
    auth = HmacAuth("apiUserId@apiOrganizationId", SECRET, clock=virtual_time.clock)

    response = session.get(
        f"{sandbox.base_url}/v2/rates/spot/TOB", params={"symbol": "USD/JPY"}, auth=auth
    )
    session.close()

    assert response.status_code == 200, response.text
    assert response.json()["symbol"] == "USD/JPY"
    assert 'username="apiUserId@apiOrganizationId"' in response.request.headers["Authorization"]


def test_a_signing_client_has_no_login_and_a_client_needs_some_credentials(signed_client):
    assert SECRET not in repr(HmacAuth("apiUserId", SECRET))
    with pytest.raises(RuntimeError):
        signed_client.login()
    with pytest.raises(TypeError):
        IntegralClient("http://127.0.0.1:9", user="apiUserId", org="apiOrganizationId")


def test_the_hmac_scheme_is_the_one_the_client_signs_with(spec):
    scheme = spec["components"]["securitySchemes"]["hmacSignature"]
    text = " ".join(scheme["description"].split())

    assert (scheme["in"], scheme["name"]) == ("header", "Authorization")
    assert f'headers="{" ".join(SIGNED)}"' in text
    assert f'algorithm="{ALGORITHM}"' in text
    assert "`type: hmac`" in text
    # requests speaks HTTP/1.1 only, so the version the client signs is always the one it spoke.
    assert "`METHOD path?query VERSION`" in text
    assert "the version the client spoke" in text
    assert "no name prefix" in text  # the published rule the client follows


@pytest.mark.parametrize("user", ["用户", 'api"User', "api\\User", "", "api\nUser"])
def test_a_user_that_cannot_be_quoted_in_the_header_is_refused_up_front(user):
    # Sent, a non-ASCII one was a bare UnicodeEncodeError from http.client on the first call.
    with pytest.raises(ValueError, match="printable ASCII"):
        HmacAuth(user, SECRET)
