"""HMAC's `request-line` is the line the client sent, in the HTTP version it spoke."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest

from integral_mock.testing import LiveSandbox, running_sandbox

SECRET = "This is a long secret!"
TARGET = "/v2/rates/spot?symbol=EUR%2FUSD"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[LiveSandbox]:
    with running_sandbox() as live:
        yield live


def _signed_get(sandbox: LiveSandbox, version: str, signed_version: str) -> tuple[int, Any]:
    """GET TARGET over a raw socket in `version`, signed as if sent in `signed_version`."""
    date = formatdate(sandbox.clock.now_ms() / 1000, usegmt=True)
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(b"").digest()).decode()
    text = f"date: {date}\ndigest: {digest}\nGET {TARGET} {signed_version}"
    mac = hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    head = (
        f"GET {TARGET} {version}\r\nHost: 127.0.0.1\r\ntype: hmac\r\nDate: {date}\r\n"
        f'Digest: {digest}\r\nConnection: close\r\nAuthorization: hmac username="apiUserId", '
        f'algorithm="hmac-sha256", headers="date digest request-line", signature="{signature}"'
        "\r\n\r\n"
    )
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def test_a_request_sent_and_signed_in_http_1_0_is_200(sandbox: LiveSandbox) -> None:
    """The server rebuilt the line as HTTP/1.1 whatever the client spoke: a 1.0 client that
    signed its own request line, as published, got 401 "Signature does not match"."""
    status, body = _signed_get(sandbox, "HTTP/1.0", "HTTP/1.0")
    assert status == 200, body
    assert body["symbol"] == "EUR/USD"


def test_a_line_signed_as_http_1_1_still_counts_when_it_arrives_as_1_0(
    sandbox: LiveSandbox,
) -> None:
    """A proxy (nginx speaks 1.0 upstream by default) may change the version it forwards."""
    status, body = _signed_get(sandbox, "HTTP/1.0", "HTTP/1.1")
    assert status == 200, body


def test_a_line_signed_in_another_version_than_sent_or_1_1_is_401(sandbox: LiveSandbox) -> None:
    status, body = _signed_get(sandbox, "HTTP/1.1", "HTTP/1.0")
    assert (status, body["errorCode"]) == (401, "HMAC_INVALID")
