"""Error paths other than most 400s: 401, 403, 404, 405, 413, a body not JSON, 500, X-Request-ID."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integral_mock.clock import ManualClock
from integral_mock.config import Config, Org
from integral_mock.exchange.venue import Venue
from integral_mock.integral.spec import load_document
from tests.helpers import TRADER_B, VIEWER, Api, assert_error, pq_order

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
JSON = "application/json"


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


@pytest.mark.parametrize(
    "path", ["/v2/nothing", "/v2/orders/4000000001/fills", "/v2/rates", "/v3", "/v3/orders"]
)
def test_unknown_route_is_404(api: Api, path: str) -> None:
    assert_error(api.get(path, api.token()), 404, "NOT_FOUND")


@pytest.mark.parametrize("path", ["/v2/orders/4000000001", "/v2/orders/0", "/v2/orders?coId=nope"])
def test_unknown_order_is_404(api: Api, path: str) -> None:
    assert_error(api.get(path, api.token()), 404, "NOT_FOUND")


def test_another_orgs_order_is_404_by_id_and_by_coid(api: Api) -> None:
    theirs = api.token(TRADER_B)
    placed = api.placed(theirs, api.pq_order(api.spot(theirs), coId="orgB-secret"))
    assert api.order(theirs, placed["orderId"])["org"] == "orgB"
    mine = api.token()
    assert_error(api.get(f"/v2/orders/{placed['orderId']}", mine), 404, "NOT_FOUND")
    assert_error(api.get("/v2/orders?coId=orgB-secret", mine), 404, "NOT_FOUND")
    assert api.active(mine) == []


@pytest.mark.parametrize("symbol", ["XXX%2FYYY", "EUR%2FEUR", "USD%2FEUR"])
def test_unknown_symbol_is_404(api: Api, symbol: str) -> None:
    response = api.get(f"/v2/rates/spot?symbol={symbol}", api.token())
    assert_error(response, 404, "UNKNOWN_SYMBOL")


@pytest.mark.parametrize(
    "config",
    [
        Config.default(validate_responses=True).replace(
            orgs=(Org("apiOrganizationId", ("EUR/USD",)),)
        )
    ],
)
def test_symbol_the_org_is_not_provisioned_for_is_404(api: Api) -> None:
    token = api.token()
    assert api.spot(token)["symbol"] == "EUR/USD"
    response = api.get("/v2/rates/spot?symbol=USD%2FJPY", token)
    assert_error(response, 404, "UNKNOWN_SYMBOL")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v2/orders/4000000001", "DELETE, GET"),
        ("PUT", "/v2/orders", "DELETE, GET, POST"),
        ("GET", "/v2/sso/login", "POST"),
        ("POST", "/v2/rates/spot", "GET"),
        ("POST", "/v2/sso/token/renew", "GET"),
        ("OPTIONS", "/v2/orders", "DELETE, GET, POST"),
        ("OPTIONS", "/v2/rates/spot", "GET"),
    ],
)
def test_wrong_method_is_405_with_allow(
    client: FlaskClient, method: str, path: str, allowed: str
) -> None:
    """Allow names the spec's methods only: no HEAD or OPTIONS, which answer 405 themselves."""
    response = client.open(path, method=method)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == allowed


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/v2/orders", "DELETE, GET, POST"),
        ("/v2/rates/spot?symbol=EUR%2FUSD", "GET"),
        ("/v2/orders/1", "DELETE, GET"),
    ],
)
def test_head_is_not_in_the_spec_so_it_is_405_with_allow(api: Api, path: str, allowed: str) -> None:
    response = api.client.head(path, headers={"SSO_TOKEN": api.token(), "X-Request-ID": "h-1"})
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.headers["X-Request-ID"] == "h-1"
    assert response.mimetype == "application/json"
    assert response.data == b""


@pytest.mark.parametrize("path", ["/v2/orders", "/v2/sso/login"])
def test_body_over_the_limit_is_413(api: Api, config: Config, path: str) -> None:
    padding = "x" * config.max_body_bytes
    response = api.client.post(
        path, json={**ORDER, "pad": padding}, headers={"SSO_TOKEN": api.token()}
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("config", [Config.default(validate_responses=True, max_body_bytes=1024)])
def test_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_413(api: Api) -> None:
    token = api.token()
    order = api.pq_order(api.spot(token))
    bare = json.dumps({**order, "pad": ""})
    exact = json.dumps({**order, "pad": "x" * (1024 - len(bare))})
    assert len(exact) == 1024
    headers = {"SSO_TOKEN": token}
    accepted = api.client.post("/v2/orders", data=exact, content_type=JSON, headers=headers)
    assert accepted.status_code == 202
    over = exact.replace(order["coId"], order["coId"] + "x")
    refused = api.client.post("/v2/orders", data=over, content_type=JSON, headers=headers)
    assert_error(refused, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("path", ["/v2/orders", "/v2/sso/login"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_body_that_is_not_json_is_a_400_naming_the_content_type(
    api: Api, path: str, content_type: str
) -> None:
    # integral-api.md's order rules: a wrong content type is an HTTP 400 error object.
    response = api.client.post(
        path, data="user=apiUserId", content_type=content_type, headers={"SSO_TOKEN": api.token()}
    )
    assert_error(response, 400, "UNSUPPORTED_MEDIA_TYPE")
    fields = [{"field": "Content-Type", "message": "must be application/json"}]
    assert response.get_json()["responseTuples"] == fields


def test_a_body_without_a_content_type_is_a_400_and_places_nothing(api: Api) -> None:
    headers = {"SSO_TOKEN": api.token()}
    response = api.client.post("/v2/orders", data='{"coId": "no-type"}', headers=headers)
    assert_error(response, 400, "UNSUPPORTED_MEDIA_TYPE")
    assert api.client.get("/v2/orders?coId=no-type", headers=headers).status_code == 404


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("secret internals")


@pytest.mark.parametrize("method", ["get_spot_rate", "place_order", "query_orders"])
def test_unexpected_exception_is_a_500_error_object_with_the_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    token = api.token()
    monkeypatch.setattr(Venue, method, _boom)
    call = {"get_spot_rate": "/v2/rates/spot?symbol=EUR%2FUSD", "query_orders": "/v2/orders"}
    headers = {"SSO_TOKEN": token, "X-Request-ID": "req-500"}
    if method == "place_order":
        response = api.client.post("/v2/orders", json=ORDER, headers=headers)
    else:
        response = api.client.get(call[method], headers=headers)
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert response.headers["X-Request-ID"] == "req-500"
    assert "req-500" in body["errorMessage"]
    text = response.get_data(as_text=True)
    assert "secret internals" not in text
    assert "Traceback" not in text
    assert "<html" not in text.lower()
    assert any("req-500" in r.getMessage() and r.exc_info for r in caplog.records)


def test_request_id_is_echoed_on_success_and_error(api: Api) -> None:
    token = api.token()
    for path in ("/v2/rates/spot?symbol=EUR%2FUSD", "/v2/orders/1", "/nowhere"):
        response = api.get(path, token, headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"
    response = api.client.get("/v2/orders", headers={"X-Request-ID": "unauth-1"})
    assert response.headers["X-Request-ID"] == "unauth-1"


def test_request_id_is_generated_when_absent(client: FlaskClient) -> None:
    ids = {client.get("/v2/orders").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert all(ids)


DOUBLED_SLASHES = [
    "/v2//orders",
    "/v2/orders//4000000001",
    "/v2/rates//spot?symbol=EUR%2FUSD",
    "/__admin//journal",
]


@pytest.mark.parametrize("path", DOUBLED_SLASHES)
def test_a_doubled_slash_is_a_404_error_object_not_an_html_redirect(api: Api, path: str) -> None:
    body = assert_error(api.get(path, api.token()), 404, "NOT_FOUND")
    assert "//" in body["errorMessage"]


@pytest.mark.parametrize("sent", ["a\r\nSet-Cookie: x=1", "line\nbreak", "cr\ronly"])
@pytest.mark.parametrize("path", ["/v2/orders", "/__admin/journal", "/nowhere"])
def test_a_request_id_with_a_line_break_is_not_echoed(api: Api, sent: str, path: str) -> None:
    """No HTTP server delivers one; an in-process WSGI caller can, and echoing it was a 500.
    The request is served as one without an id: the answer gets an id of the server's.

    (A spec pattern refusing a line break was tried: no header can carry the values it
    refuses, so Schemathesis' negative phase found none to send and failed its health check.)
    """
    environ = {"HTTP_X_REQUEST_ID": sent, "HTTP_SSO_TOKEN": api.token()}
    response = api.client.get(path, environ_base=environ)
    expected = {"/v2/orders": 200, "/__admin/journal": 200, "/nowhere": 404}[path]
    assert response.status_code == expected, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    made = response.headers["X-Request-ID"]
    assert len(made) == 32  # a uuid4 hex: no line break survives
