"""What each fault kind answers through the Flask test client: an HTTP fault is the spec's error
object on every operation, garbage spoils a body, a network fault without a socket raises."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integral_mock.integral.spec import load_document
from integral_mock.sandbox.faults import KINDS, ConnectionDropped
from tests.control.support import Admin
from tests.helpers import Api, assert_error

HTTP_FAULTS = ("500", "502", "503", "504", "429")
METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> list[tuple[str, str, str, set[str]]]:
    """(operationId, method, path with its parameters filled in, documented statuses)."""
    found = []
    for template, item in load_document()["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in METHODS:
            if method in item:
                op = item[method]
                found.append((op["operationId"], method.upper(), path, set(op["responses"])))
    return found


@pytest.mark.parametrize("status", [*HTTP_FAULTS, "400"])  # 400: a malformed control header
def test_every_operation_documents_every_http_fault(status: str) -> None:
    undocumented = [op for op, _, _, codes in _operations() if status not in codes]
    assert undocumented == []


@pytest.mark.parametrize(("operation", "method", "path", "codes"), _operations())
@pytest.mark.parametrize("status", HTTP_FAULTS)
def test_http_fault_on_every_operation_is_the_error_object(
    client: FlaskClient, operation: str, method: str, path: str, codes: set[str], status: str
) -> None:
    headers = {"X-Sandbox-Fault": status, "X-Request-ID": f"rid-{operation}"}
    # The app checks its answers against the spec (validate_responses): a fault answer the
    # spec does not allow would come back as a 500 RESPONSE_INVALID instead.
    response = client.open(path, method=method, headers=headers)
    codes_by_status = {"429": "RATE_LIMITED", "500": "INTERNAL_ERROR", "502": "BAD_GATEWAY"}
    codes_by_status |= {"503": "SERVICE_UNAVAILABLE", "504": "GATEWAY_TIMEOUT"}
    assert_error(response, int(status), codes_by_status[status])
    assert response.headers["X-Request-ID"] == f"rid-{operation}"
    assert ("Retry-After" in response.headers) == (status in ("429", "503"))


@pytest.mark.parametrize(("operation", "method", "path", "codes"), _operations())
def test_malformed_control_header_on_every_operation_is_a_documented_400(
    client: FlaskClient, operation: str, method: str, path: str, codes: set[str]
) -> None:
    response = client.open(path, method=method, headers={"X-Sandbox-Fault": "bogus"})
    assert_error(response, 400, "INVALID_REQUEST")


def test_an_http_fault_runs_nothing(api: Api, token: str, admin: Admin) -> None:
    order = api.pq_order(api.spot(token))
    headers = {"SSO_TOKEN": token, "X-Sandbox-Fault": "503"}
    assert api.client.post("/v2/orders", json=order, headers=headers).status_code == 503
    assert admin.orders() == []


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Sandbox-Fault", "418"),
        ("X-Sandbox-Fault", "explode"),
        ("X-Sandbox-Latency-Ms", "-1"),
        ("X-Sandbox-Latency-Ms", "\u00b2"),  # a digit to str.isdigit, not to int()
    ],
)
def test_malformed_fault_headers_are_400(client: FlaskClient, header: str, value: str) -> None:
    body = assert_error(client.get("/v2/orders", headers={header: value}), 400, "INVALID_REQUEST")
    assert header in body["errorMessage"]


def test_fault_kinds_are_the_ones_sandbox_yaml_lists() -> None:
    fault_kind = load_document("sandbox.yaml")["components"]["schemas"]["FaultKind"]
    assert list(KINDS) == fault_kind["enum"]


def test_garbage_keeps_the_status_and_spoils_the_body(api: Api, token: str) -> None:
    response = api.get("/v2/orders", token, {"X-Sandbox-Fault": "garbage"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_data()[:1] == b"\x00"


def test_garbage_leaves_an_error_answer_its_error_object(api: Api) -> None:
    response = api.get("/v2/orders", "not-a-token", {"X-Sandbox-Fault": "garbage"})
    assert_error(response, 401, "TOKEN_INVALID")
    assert Admin(api.client).journal()[-1]["fault"] is None


@pytest.mark.parametrize("kind", ["reset", "hang", "reset-after"])
def test_network_faults_without_a_socket_raise(app: Flask, client: FlaskClient, kind: str) -> None:
    with pytest.raises(ConnectionDropped):
        client.get("/v2/orders", headers={"X-Sandbox-Fault": kind})
    entry = Admin(client).journal()[-1]
    assert entry["fault"] == kind
    assert entry["delivered"] is False


def test_truncated_without_a_socket_raises_mid_body(client: FlaskClient) -> None:
    response = client.get("/v2/orders", headers={"X-Sandbox-Fault": "truncated"})
    assert response.status_code == 401
    with pytest.raises(ConnectionDropped):
        response.get_data()


def test_reset_after_commits_the_order_in_process(api: Api, token: str, admin: Admin) -> None:
    order = api.pq_order(api.spot(token), coId="lost-answer")
    with pytest.raises(ConnectionDropped):
        api.client.post(
            "/v2/orders", json=order, headers={"SSO_TOKEN": token, "X-Sandbox-Fault": "reset-after"}
        )
    assert [o["coId"] for o in admin.orders()] == ["lost-answer"]
    assert admin.journal(fault="reset-after")[0]["status"] == 202
