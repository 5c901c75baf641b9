"""A signed request that changes state is good once: replaying its signature is a 401."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import assert_error
from tests.workflow.support import new_order
from tests.workflow.test_hmac import signature_headers


def _send(
    app: Flask, method: str, target: str, headers: dict[str, str], body: bytes = b""
) -> TestResponse:
    client = app.test_client(use_cookies=False)
    content_type = "application/json" if body else None
    return client.open(target, method=method, data=body, headers=headers, content_type=content_type)


def test_a_replayed_signed_delete_is_refused_and_cancels_nothing(
    app: Flask, clock: ManualClock
) -> None:
    signed_cancel_all = signature_headers("DELETE", "/v2/orders", b"", clock.now_ms())
    assert _send(app, "DELETE", "/v2/orders", signed_cancel_all).status_code == 202
    # An order placed after the cancel was signed: a replay of that cancel must not touch it.
    body = json.dumps(new_order("Limit", "GTC", price=0.5)).encode()
    placed = _send(
        app,
        "POST",
        "/v2/orders",
        signature_headers("POST", "/v2/orders", body, clock.now_ms()),
        body,
    )
    assert placed.status_code == 202, placed.json
    clock.advance(1000)
    replay = _send(app, "DELETE", "/v2/orders", signed_cancel_all)
    body_out = assert_error(replay, 401, "HMAC_REPLAYED")
    assert "sign each POST and DELETE anew" in body_out["errorMessage"]
    target = f"/v2/orders/{placed.json['orderId']}"
    read = _send(app, "GET", target, signature_headers("GET", target, b"", clock.now_ms()))
    assert read.json["status"] == "NEW"


def test_a_replayed_signed_post_places_no_second_order(app: Flask, clock: ManualClock) -> None:
    body = json.dumps(new_order("Limit", "GTC", price=0.5)).encode()
    headers = signature_headers("POST", "/v2/orders", body, clock.now_ms())
    assert _send(app, "POST", "/v2/orders", headers, body).status_code == 202
    assert_error(_send(app, "POST", "/v2/orders", headers, body), 401, "HMAC_REPLAYED")


def test_a_signed_read_may_be_sent_again(app: Flask, clock: ManualClock) -> None:
    target = "/v2/rates/spot?symbol=EUR%2FUSD"
    headers = signature_headers("GET", target, b"", clock.now_ms())
    assert [_send(app, "GET", target, headers).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize("config", [Config.default(validate_responses=True, hmac_replay="allow")])
def test_replays_pass_when_the_policy_allows_them(app: Flask, clock: ManualClock) -> None:
    headers = signature_headers("DELETE", "/v2/orders", b"", clock.now_ms())
    assert [_send(app, "DELETE", "/v2/orders", headers).status_code for _ in range(2)] == [202, 202]


def test_an_unknown_replay_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="hmac_replay must be one of refuse-unsafe, allow"):
        Config.default(hmac_replay="sometimes")


def test_a_signed_post_a_fault_answered_may_be_sent_again(app: Flask, clock: ManualClock) -> None:
    """The 503 came instead of the operation: the signature was not spent on it."""
    body = json.dumps(new_order("Limit", "GTC", price=0.5)).encode()
    headers = signature_headers("POST", "/v2/orders", body, clock.now_ms())
    refused = _send(app, "POST", "/v2/orders", {**headers, "X-Sandbox-Fault": "503"}, body)
    assert_error(refused, 503, "SERVICE_UNAVAILABLE")
    assert _send(app, "POST", "/v2/orders", headers, body).status_code == 202


def test_a_chunked_body_is_checked_against_the_digest_it_was_signed_with(
    app: Flask, clock: ManualClock
) -> None:
    """Signed over an empty body, sent with an order in chunks: the Digest does not match."""
    headers = signature_headers("POST", "/v2/orders", b"", clock.now_ms())
    body = json.dumps(new_order("Limit", "GTC", price=0.5)).encode()
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/v2/orders",
        input_stream=io.BytesIO(body),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        # Chunked: no Content-Length (the builder would make one from the stream).
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    body_out = assert_error(response, 401, "HMAC_INVALID")
    assert "Digest" in body_out["errorMessage"]
