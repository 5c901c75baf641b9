"""Paths WSGI rewrites before routing: a leading `//` and an encoded slash (`%2F`) are 404s
naming the path as sent, never the answer of the path they were rewritten to."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.helpers import Api, assert_error
from tests.serve_process import serve_process


def _as_sent(api: Api, method: str, path: str, token: str) -> dict[str, object]:
    """`path` as gunicorn hands it on: PATH_INFO decoded (and its leading slashes kept), the
    request target as sent in RAW_URI. (The test client would read `//v2` as a host.)"""
    decoded = path.replace("%2F", "/").replace("%2f", "/")
    environ = {"PATH_INFO": decoded, "RAW_URI": path, "REQUEST_URI": path}
    response = api.client.open(
        "/", method=method, headers={"SSO_TOKEN": token}, environ_overrides=environ
    )
    return assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "why"),
    [
        ("GET", "//v2/orders", "a path begins with one slash"),
        ("GET", "///v2/trades/stp/messages", "a path begins with one slash"),
        ("POST", "//v2/sso/login", "a path begins with one slash"),
        ("GET", "//__admin/journal", "a path begins with one slash"),
        # Was the order's trades: %2F is not the `/` of the route (RFC 3986).
        ("GET", "/v2/orders/4000000001%2Ftrades", "an encoded slash (%2F) is no separator"),
        ("GET", "/v2/rates/spot/TOB%2fapiOrganizationId", "an encoded slash (%2F) is no sep"),
        ("DELETE", "/__admin/faults/1%2F", "an encoded slash (%2F) is no separator"),
    ],
)
def test_a_rewritten_path_is_a_404_naming_it_as_sent(
    api: Api, method: str, path: str, why: str
) -> None:
    body = _as_sent(api, method, path, api.token())
    assert str(body["errorMessage"]).startswith(f"No such resource: {method} {path} ({why}")


def test_a_download_at_a_rewritten_path_consumes_nothing(api: Api) -> None:
    token = api.token()
    api.placed(token, api.pq_order(api.spot(token)))
    api.clock.advance(60_000)  # long past any fill delay
    _as_sent(api, "GET", "//v2/trades/stp/messages", token)
    trades = api.get("/v2/trades/stp/messages", token).json
    assert [t["event"] for t in trades] == ["NEW"]


def test_an_encoded_slash_in_the_query_is_the_symbol_it_always_was(api: Api) -> None:
    assert api.spot(api.token(), "EUR%2FUSD")["symbol"] == "EUR/USD"


def _raw_get(base_url: str, target: str) -> tuple[int, dict[str, object]]:
    host, port = base_url.removeprefix("http://").split(":")
    request = f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.mark.own_engine  # a served process picks its store itself
def test_served_a_leading_double_slash_is_a_404(tmp_path: Path) -> None:
    """What gunicorn shows: `GET //v2/orders` was answered as `GET /v2/orders`."""
    with serve_process(tmp_path, "--ephemeral") as served:
        status, body = _raw_get(served.base_url, "//__admin/health")
        assert (status, body["errorCode"]) == (404, "NOT_FOUND")
        assert body["errorMessage"] == (
            "No such resource: GET //__admin/health (a path begins with one slash)"
        )
        status, body = _raw_get(served.base_url, "/__admin/health")
        assert (status, body["status"]) == (200, "OK")
