"""Bodies only a served sandbox shows (gunicorn, Werkzeug's threaded server): streamed (chunked)
ones, and one over the limit sent whole; each gets its error object, not a 500, a reset
connection or a wait."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from integral_mock.testing import running_sandbox
from tests.helpers import EXAMPLE_LOGIN
from tests.serve_process import serve_process

# Picks its stores itself (served processes): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


def _chunked_post(base_url: str, path: str, chunks: bytes) -> tuple[int, dict[str, Any]]:
    """POST `chunks` (already chunk-framed) to a served sandbox; (status, error body)."""
    host, port = base_url.removeprefix("http://").split(":")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + chunks)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


def test_a_streamed_body_over_the_limit_is_413_and_a_malformed_one_400(tmp_path: Path) -> None:
    """Chunked, with no Content-Length: one over the limit was cut short and answered 400
    "not UTF-8 JSON"; a malformed chunk size was a 500. What only gunicorn shows."""
    login = json.dumps({**EXAMPLE_LOGIN, "pad": "x" * 70_000}).encode()
    with serve_process(tmp_path, "--ephemeral") as served:
        status, body = _chunked_post(served.base_url, "/v2/sso/login", _chunk(login) + b"0\r\n\r\n")
        assert (status, body["errorCode"]) == (413, "PAYLOAD_TOO_LARGE")
        status, body = _chunked_post(served.base_url, "/v2/sso/login", b"zz\r\nabc\r\n0\r\n\r\n")
        assert (status, body["errorCode"]) == (400, "INVALID_REQUEST")
        assert body["responseTuples"][0]["field"] == "body"
        fits = _chunk(json.dumps(EXAMPLE_LOGIN).encode()) + b"0\r\n\r\n"
        status, body = _chunked_post(served.base_url, "/v2/sso/login", fits)
        assert (status, body["status"]) == (200, "OK")


def test_a_body_over_the_limit_sent_whole_with_connection_close_gets_its_413(
    tmp_path: Path,
) -> None:
    """Refused unread, the body was left in the socket: closing it reset the connection, and
    the client saw no 413."""
    body = json.dumps({**EXAMPLE_LOGIN, "pad": "x" * 100_000}).encode()
    head = (
        "POST /v2/sso/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with serve_process(tmp_path, "--ephemeral") as served:
        host, port = served.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(head.encode() + body)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["errorCode"] == "PAYLOAD_TOO_LARGE"


def test_a_body_over_the_limit_is_413_at_once_from_the_threaded_server_too() -> None:
    """Werkzeug's own server (running_sandbox: the client's tests, the pytest plugin, certify)
    hands the app the socket itself: draining past the body's length waited for the client,
    which waited for the answer, until its timeout."""
    body = json.dumps({**EXAMPLE_LOGIN, "pad": "x" * 100_000})
    with running_sandbox() as sandbox:
        response = requests.post(
            f"{sandbox.base_url}/v2/sso/login",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
    assert response.status_code == 413
    assert response.json()["errorCode"] == "PAYLOAD_TOO_LARGE"
