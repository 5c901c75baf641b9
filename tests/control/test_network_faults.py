"""Network faults through real sockets: Werkzeug's server (running_sandbox) and gunicorn (serve)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from integral_mock.testing import LiveSandbox, running_sandbox
from tests.helpers import EXAMPLE_LOGIN, pq_order
from tests.serve_process import serve_process

CLIENT_TIMEOUT_S = 5


@pytest.fixture
def live() -> Iterator[LiveSandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


class Wire:
    """A logged-in requests session against one base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        login = self.session.post(f"{base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=5)
        assert login.status_code == 200, login.text
        self.session.headers["SSO_TOKEN"] = login.headers["SSO_TOKEN"]

    def get(self, path: str, fault: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"X-Sandbox-Fault": fault} if fault else {}
        kwargs.setdefault("timeout", CLIENT_TIMEOUT_S)
        return self.session.get(f"{self.base_url}{path}", headers=headers, **kwargs)

    def order(self, co_id: str, fault: str | None = None) -> requests.Response:
        quote = self.get("/v2/rates/spot", params={"symbol": "EUR/USD"}).json()
        order = pq_order(quote, coId=co_id)
        headers = {"X-Sandbox-Fault": fault} if fault else {}
        return self.session.post(
            f"{self.base_url}/v2/orders", json=order, headers=headers, timeout=CLIENT_TIMEOUT_S
        )


def test_reset_drops_the_connection_and_the_server_carries_on(live: LiveSandbox) -> None:
    wire = Wire(live.base_url)
    with pytest.raises(requests.ConnectionError):
        wire.get("/v2/orders", fault="reset")
    assert wire.get("/v2/orders").status_code == 200


def test_reset_before_an_order_places_nothing(live: LiveSandbox) -> None:
    wire = Wire(live.base_url)
    with pytest.raises(requests.ConnectionError):
        wire.order("retry-me", fault="reset")
    assert wire.get("/v2/orders", params={"coId": "retry-me"}).status_code == 404
    assert wire.order("retry-me").status_code == 202  # a retry is safe: nothing happened


def test_reset_after_commits_the_order_though_the_client_saw_no_answer(
    live: LiveSandbox,
) -> None:
    wire = Wire(live.base_url)
    with pytest.raises(requests.ConnectionError):
        wire.order("lost-answer", fault="reset-after")
    found = wire.get("/v2/orders", params={"coId": "lost-answer"})
    assert found.status_code == 200
    assert found.json()["status"] == "RECEIVED"
    blind_retry = wire.order("lost-answer")
    assert blind_retry.status_code == 400
    assert blind_retry.json()["errorCode"] == "DUPLICATE_COID"


def test_reset_after_from_a_rule_fires_once(live: LiveSandbox) -> None:
    rule = {"method": "POST", "path": "/v2/orders", "fault": "reset-after", "times": 1}
    assert requests.post(f"{live.base_url}/__admin/faults", json=rule, timeout=5).ok
    wire = Wire(live.base_url)
    with pytest.raises(requests.ConnectionError):
        wire.order("first")
    assert wire.order("second").status_code == 202
    journal = requests.get(f"{live.base_url}/__admin/journal", params={"path": "/v2/orders"})
    assert [(e["status"], e["delivered"]) for e in journal.json()] == [(202, False), (202, True)]


def test_truncated_body_breaks_mid_read(live: LiveSandbox) -> None:
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        Wire(live.base_url).get("/v2/orders", fault="truncated")


def test_garbage_body_is_not_json(live: LiveSandbox) -> None:
    response = Wire(live.base_url).get("/v2/orders", fault="garbage")
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_http_fault_on_the_wire(live: LiveSandbox) -> None:
    response = Wire(live.base_url).get("/v2/orders", fault="503")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["errorCode"] == "SERVICE_UNAVAILABLE"


@pytest.mark.parametrize(
    ("headers", "data"),
    [
        ({"X-Sandbox-Latency-Ms": "\u00b2"}, None),  # a digit to str.isdigit, not to int()
        ({"Content-Type": "application/json"}, b"[" * 50_000),  # deeper than json goes
    ],
)
def test_bad_input_gets_the_error_object_not_a_server_page(
    live: LiveSandbox, headers: dict[str, str], data: bytes | None
) -> None:
    url = f"{live.base_url}/v2/sso/login"
    response = requests.post(url, headers=headers, data=data, timeout=CLIENT_TIMEOUT_S)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_REQUEST"


def test_hang_outlasts_the_client_timeout_until_faults_are_cleared(live: LiveSandbox) -> None:
    wire = Wire(live.base_url)
    with pytest.raises(requests.exceptions.ReadTimeout):
        wire.get("/v2/orders", fault="hang", timeout=0.3)
    assert requests.delete(f"{live.base_url}/__admin/faults", timeout=5).ok  # lets it go
    assert wire.get("/v2/orders").status_code == 200


# -- the same under gunicorn, the server `integral-mock serve` runs -----------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m integral_mock serve` in a process; waits (bounded) for /__admin/health."""
    workdir = tmp_path_factory.mktemp("serve")
    with serve_process(workdir, "--ephemeral", "--clock", "manual") as process:
        yield process.base_url


@pytest.mark.own_engine  # a served process, on its own SQLite file
def test_network_faults_under_gunicorn(served: str) -> None:
    wire = Wire(served)
    with pytest.raises(requests.ConnectionError):
        wire.get("/v2/orders", fault="reset")
    with pytest.raises(requests.ConnectionError):
        wire.order("gunicorn-lost", fault="reset-after")
    assert wire.get("/v2/orders", params={"coId": "gunicorn-lost"}).status_code == 200
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        wire.get("/v2/orders", fault="truncated")
    with pytest.raises(requests.exceptions.ReadTimeout):
        wire.get("/v2/orders", fault="hang", timeout=0.3)
    assert requests.delete(f"{served}/__admin/faults", timeout=5).ok
    assert wire.get("/v2/orders").status_code == 200
