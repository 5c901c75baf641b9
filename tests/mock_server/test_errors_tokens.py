"""401 and 403: every operation the spec secures refuses a missing, unknown or expired token
(before any 400); a viewer may read rates but not place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.integral.spec import load_document
from tests.helpers import VIEWER, Api, assert_error, pq_order

ORDER = pq_order({"symbol": "EUR/USD", "offer": 1.1, "rateId": "r-1"}, coId="c-1", size=1000)


def _protected_calls(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(operationId, method, URL) of each operation the spec secures (its security not empty).

    Each comes with its required parameters, and once more with its optional query ones too.
    """
    calls = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS or not operation.get("security", document["security"]):
                continue
            parameters = [_resolved(document, p) for p in operation.get("parameters", [])]
            url = path.format(**{p["name"]: _sample(document, p) for p in _in(parameters, "path")})
            required = [p for p in _in(parameters, "query") if p.get("required")]
            every = _in(parameters, "query")
            for query in [required] if len(required) == len(every) else [required, every]:
                target = url + _query(document, query)
                calls.append((operation["operationId"], method.upper(), target))
    return calls


def _resolved(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        for part in node["$ref"].removeprefix("#/").split("/"):
            document = document[part]
        node = document
    return node


def _in(parameters: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    return [p for p in parameters if p["in"] == where]


def _sample(document: dict[str, Any], parameter: dict[str, Any]) -> str:
    """A value for `parameter`: its example, its schema's, its first enum value, else "1"."""
    schema = _resolved(document, parameter["schema"])
    found = parameter.get("example") or (schema.get("examples") or schema.get("enum") or ["1"])[0]
    return str(found)


def _query(document: dict[str, Any], parameters: list[dict[str, Any]]) -> str:
    if not parameters:
        return ""
    return "?" + urlencode({p["name"]: _sample(document, p) for p in parameters})


METHODS = {"get", "post", "put", "patch", "delete"}
# Every operation that needs a token (401 TOKEN_MISSING without one), read from the spec.
PROTECTED_CALLS = _protected_calls(load_document())
PROTECTED = [(method, url) for _, method, url in PROTECTED_CALLS]
# Renewing takes an expired token too and issues a new one (the spec's RenewResponse.expired).
RENEWS = {"renewToken", "renewTokenDeprecated"}
EXPIRABLE = [(method, url) for op, method, url in PROTECTED_CALLS if op not in RENEWS]


def _call(client: FlaskClient, method: str, path: str, token: str | None = None) -> TestResponse:
    headers = {"SSO_TOKEN": token} if token else {}
    body = ORDER if method == "POST" else None
    return client.open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_login_required(client: FlaskClient, method: str, path: str) -> None:
    body = assert_error(_call(client, method, path), 401, "TOKEN_MISSING")
    assert body["responseTuples"] is None


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_unknown_token_is_refused(client: FlaskClient, method: str, path: str) -> None:
    assert_error(_call(client, method, path, "not-a-token-we-issued"), 401, "TOKEN_INVALID")


@pytest.mark.parametrize(("method", "path"), EXPIRABLE)
def test_expired_token_is_refused(
    api: Api, clock: ManualClock, config: Config, method: str, path: str
) -> None:
    token = api.token()
    clock.advance(config.token_lifetime_ms)
    assert_error(_call(api.client, method, path, token), 401, "TOKEN_EXPIRED")


def test_every_operation_but_login_needs_a_token() -> None:
    document = load_document()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    }
    assert {op for op, _, _ in PROTECTED_CALLS} == operations - {"login"}


def test_401_comes_before_400(client: FlaskClient) -> None:
    response = client.post("/v2/orders", data="{not json", content_type="application/json")
    assert_error(response, 401, "TOKEN_MISSING")


def test_viewer_may_read_rates_but_not_place(api: Api) -> None:
    token = api.token(VIEWER)
    order = api.pq_order(api.spot(token))
    assert_error(api.place(token, order), 403, "FORBIDDEN")
    assert api.active(token) == []
    assert_error(api.get(f"/v2/orders?coId={order['coId']}", token), 404, "NOT_FOUND")
