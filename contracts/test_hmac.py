"""A request signed as Integral publishes (HMAC, no token) is served; a wrong signature is not."""

# Published (integral-api.md, authentication): the headers `Authorization`, `Date`, `Digest`
# and `type: hmac`, and the signing string, entry by entry: "a client that signs as published
# must get 200". Signed here from that text, not the client's or the server's code. The secret
# is INTEGRAL_HMAC_SECRET's (in-process, the sandbox's example user's); live without one, the
# test skips. Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from email.utils import format_datetime

import pytest
from schemathesis import Response

from integral_mock.contracts import checks, credentials
from integral_mock.contracts.desk import Desk

# The example user's secret in the sandbox's default config.
SANDBOX_SECRET = "This is a long secret!"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signed_active_list(desk: Desk, secret: str) -> Response:
    """GET /v2/orders (no query: its request line is plain) signed with `secret`."""
    date = format_datetime(desk.utc_now(), usegmt=True)
    digest = "SHA-256=" + _b64(hashlib.sha256(b"").digest())
    text = f"date: {date}\ndigest: {digest}\nGET /v2/orders HTTP/1.1"
    mac = _b64(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest())
    user = os.environ.get("INTEGRAL_HMAC_USER", credentials.caller().user)
    authorization = (
        f'hmac username="{user}", algorithm="hmac-sha256", '
        f'headers="date digest request-line", signature="{mac}"'
    )
    headers = {"type": "hmac", "Date": date, "Digest": digest, "Authorization": authorization}
    operation = desk.schema.find_operation_by_id("queryOrders")  # type: ignore[attr-defined]
    response: Response = operation.Case(headers=headers).call()
    return response


@pytest.mark.sandbox_decision  # which headers are signed: Integral's page is cut off there
def test_a_request_signed_as_published_is_served(desk: Desk) -> None:
    secret = os.environ.get("INTEGRAL_HMAC_SECRET", "" if desk.live else SANDBOX_SECRET)
    if not secret:
        pytest.skip("INTEGRAL_HMAC_SECRET is not set: no HMAC key to sign with")
    served = _signed_active_list(desk, secret)
    assert served.status_code == 200, (
        f"hmac_signed_as_published_is_served: answered {served.status_code}: "
        f"{served.text_lossy()[:300]}"
    )
    refused = _signed_active_list(desk, secret + " but not quite")
    body = checks.json_of(refused)
    assert refused.status_code == 401, (
        f"hmac_signed_as_published_is_served: a wrong signature answered {refused.status_code}"
    )
    assert isinstance(body, dict), f"hmac_signed_as_published_is_served: refused as {body!r}"
    assert body.get("status") == "ERROR", f"hmac_signed_as_published_is_served: {body!r}"
