"""The admin API behind a reverse proxy on this machine: every client of the proxy's port is a
loopback peer, so without --admin-token a request a proxy relayed is refused; with the token
it is served as any other."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from integral_mock.config import Config
from integral_mock.testing import running_sandbox
from tests.control.support import made_app
from tests.helpers import assert_error

RELAYED = [
    {"X-Forwarded-For": "203.0.113.9"},  # nginx's usual proxy_add_x_forwarded_for, Traefik
    {"Forwarded": "for=203.0.113.9;proto=https"},  # RFC 7239
    {"X-Real-IP": "203.0.113.9"},
    {"X-Forwarded-Host": "sandbox.example"},  # Caddy sends it with X-Forwarded-For
]


@pytest.mark.parametrize("headers", RELAYED)
def test_without_a_token_a_relayed_request_is_refused(client: Any, headers: dict[str, str]) -> None:
    """It was served: a proxy on the same host made the admin API (reset, rules, the
    journal with its bodies) open to everyone who could reach the proxy."""
    for method, path in [("GET", "/__admin/journal"), ("POST", "/__admin/reset")]:
        body = assert_error(client.open(path, method=method, headers=headers), 401, "ADMIN_TOKEN")
        assert "a proxy relayed" in body["errorMessage"]
    assert client.get("/__admin/health", headers=headers).status_code == 200  # probes stay open


def test_without_a_token_the_refusal_holds_over_a_socket() -> None:
    with running_sandbox() as live:
        answer = requests.get(f"{live.base_url}/__admin/clock", headers=RELAYED[0], timeout=10)
        assert (answer.status_code, answer.json()["errorCode"]) == (401, "ADMIN_TOKEN")
        assert requests.get(f"{live.base_url}/__admin/clock", timeout=10).status_code == 200


@pytest.mark.parametrize("headers", RELAYED)
def test_with_the_token_a_relayed_request_is_served(headers: dict[str, str]) -> None:
    with made_app(Config.default(validate_responses=True, admin_token="t0ken")) as app:
        bearer = {**headers, "Authorization": "Bearer t0ken"}
        assert app.test_client().get("/__admin/clock", headers=bearer).status_code == 200
