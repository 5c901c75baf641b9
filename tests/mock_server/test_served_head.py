"""HEAD under `serve` (gunicorn): on every GET of Integral's surface a 405 naming the spec's
methods, with no body, and the connection still good for the next request."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from tests.helpers import EXAMPLE_LOGIN
from tests.serve_process import serve_process

pytestmark = pytest.mark.own_engine  # a served process picks its store itself

GETS = {
    "/v2/orders": "DELETE, GET, POST",
    "/v2/orders/4000000001": "DELETE, GET",
    "/v2/orders/4000000001/trades": "GET",
    "/v2/rates/spot?symbol=EUR%2FUSD": "GET",
    "/v2/rates/spot/TOB/apiOrganizationId?symbol=EUR%2FUSD": "GET",
    "/v2/sso/token/renew": "GET",
    "/v2/trades/stp/messages": "GET",  # a HEAD served as GET would consume trades unseen
    "/v2/positions": "GET",
}


def _head_then_get(base_url: str, path: str, token: str) -> tuple[bytes, bytes]:
    """(the HEAD's answer, the start of the next answer on the same connection)."""
    host, port = base_url.removeprefix("http://").split(":")
    both = (
        f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nSSO_TOKEN: {token}\r\n\r\n"
        "GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(both.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    return head, rest


def test_head_on_every_get_is_a_405_without_a_body(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--ephemeral") as served:
        login = requests.post(f"{served.base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=10)
        token = login.headers["SSO_TOKEN"]
        for path, allowed in GETS.items():
            head, rest = _head_then_get(served.base_url, path, token)
            lines = head.decode().split("\r\n")
            assert lines[0] == "HTTP/1.1 405 METHOD NOT ALLOWED", path
            assert f"Allow: {allowed}" in lines, (path, lines)
            assert "Content-Type: application/json" in lines
            # No body: the next bytes are the next answer, not the error object.
            assert rest.startswith(b"HTTP/1.1 200 OK\r\n"), (path, rest[:80])
