"""HMAC signed exactly as Integral publishes it, over a socket, by nothing of the project's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
from collections.abc import Iterator
from email.utils import formatdate

import pytest

from integral_mock.testing import LiveSandbox, running_sandbox
from tests.helpers import resting_order

SECRET = "This is a long secret!"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[LiveSandbox]:
    with running_sandbox() as live:
        yield live


def published_signature(date: str, digest: str, request_line: str) -> str:
    """Integral's rule: `date: …`, `digest: …`, then the request line itself, joined by \\n."""
    text = f"date: {date}\ndigest: {digest}\n{request_line}"
    mac = hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def send(sandbox: LiveSandbox, method: str, target: str, body: bytes = b"", **kw: str) -> tuple:
    """One signed request through http.client: the request line is the one that was signed."""
    date = formatdate(sandbox.clock.now_ms() / 1000, usegmt=True)
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    line = kw.get("signed_line", f"{method} {target} HTTP/1.1")
    signature = published_signature(date, digest, line)
    headers = {
        "type": "hmac",
        "Date": date,
        "Digest": digest,
        "Authorization": 'hmac username="apiUserId", algorithm="hmac-sha256", '
        f'headers="date digest request-line", signature="{signature}"',
    }
    if body:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection(sandbox.base_url.removeprefix("http://"), timeout=10)
    try:
        connection.request(method, target, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_a_get_signed_as_published_is_200(sandbox: LiveSandbox) -> None:
    status, body = send(sandbox, "GET", "/v2/rates/spot?symbol=EUR%2FUSD")
    assert status == 200, body
    assert body["symbol"] == "EUR/USD"


def test_a_post_with_a_body_signed_as_published_is_202(sandbox: LiveSandbox) -> None:
    order = resting_order("published-hmac-1")
    status, body = send(sandbox, "POST", "/v2/orders", json.dumps(order).encode())
    assert (status, body["status"]) == (202, "RECEIVED"), body


def test_the_request_line_with_a_name_prefix_is_not_the_published_rule(
    sandbox: LiveSandbox,
) -> None:
    # The sandbox once wanted `request-line: GET …`; a signature over that is now a mismatch.
    target = "/v2/orders"
    status, body = send(sandbox, "GET", target, signed_line=f"request-line: GET {target} HTTP/1.1")
    assert (status, body["errorCode"]) == (401, "HMAC_INVALID")
