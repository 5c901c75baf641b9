"""404 and 405: unknown routes, orders, symbols and another org's orders; a wrong method or
HEAD with Allow; a doubled slash is a 404 error object, not an HTML redirect."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from integral_mock.config import Config, Org
from tests.helpers import TRADER_B, Api, assert_error


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
