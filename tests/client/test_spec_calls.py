"""The client's calls against openapi/integral.yaml: each order helper builds a request the spec
accepts, each error status maps into the error tree, each operation is a client method."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openapi_schema_validator import OAS31Validator

from integral_mock.client import (
    ApiError,
    BadRequest,
    Forbidden,
    IntegralClient,
    NotFound,
    OrderRequest,
    RateLimited,
    ServerError,
    Side,
    TimeInForce,
    Unauthorized,
)
from integral_mock.client.errors import error_class
from integral_mock.client.wire import to_wire

REQUESTS = {
    "limit-gtc": OrderRequest.limit("EUR/USD", "Buy", 1000, "1.1"),
    "limit-ioc": OrderRequest.limit("EUR/USD", "Sell", 1000, "1.1", time_in_force="IOC"),
    "limit-fok": OrderRequest.limit("EUR/USD", "Sell", 1000, "1.1", time_in_force="FOK"),
    "limit-day": OrderRequest.limit("EUR/USD", "Sell", 1000, "1.1", time_in_force="DAY"),
    "limit-gtt": OrderRequest.limit(
        "EUR/USD", "Buy", 1000, "1.1", time_in_force=TimeInForce.GTT, expiry_time=86399
    ),
    "market": OrderRequest.market("USD/JPY", Side.SELL, Decimal(5), "151.2", currency="JPY"),
    "at-best-ndf": OrderRequest.at_best(
        "USD/INR", "Buy", 1_000_000, "2023-06-15", price_type="NDF", org="CustomerOrg"
    ),
    "stop": OrderRequest.stop("EUR/USD", "Buy", 1000, "1.2", trigger="OfferTrigger"),
    "on-behalf": OrderRequest.limit(
        "EUR/USD", "Buy", 1000, "1.1", org="CustomerOrg", account="acct-1", co_id="mine"
    ),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_each_order_helper_builds_a_request_the_spec_accepts(spec, name):
    validator = OAS31Validator(
        {"$ref": "#/components/schemas/OrderRequest", "components": spec["components"]}
    )

    errors = [error.message for error in validator.iter_errors(to_wire(REQUESTS[name]))]

    assert errors == []


def test_every_documented_error_status_maps_into_the_error_tree(spec):
    statuses = {
        int(code)
        for path in spec["paths"].values()
        for operation in path.values()
        for code in operation["responses"]
        if int(code) >= 400
    }
    expected = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound}
    expected |= {429: RateLimited}

    for status in statuses:
        cls = error_class(status)
        assert issubclass(cls, ApiError)
        assert cls is expected.get(status, ServerError if status >= 500 else ApiError)


# operationId → the client's methods for it.
METHODS = {
    "login": ["login"],
    "renewToken": ["renew"],
    "getSpotRate": ["spot_rate"],
    "placeOrder": ["place_order"],
    "getOrder": ["get_order"],
    "getOrderTrades": ["get_order_trades"],
    "queryOrders": ["get_order_by_coid", "active_orders"],
    "cancelOrder": ["cancel_order"],
    "cancelAllOrders": ["cancel_all_orders"],
    "getSpotRateByType": ["spot_rate_by_type", "spot_book"],
    "getSpotRateByTypeForOrg": ["spot_rate_by_type", "spot_book"],
    "getMarketDataSets": ["market_data_sets", "fixed_period_rate"],
    "getTradeMessages": ["trade_messages", "download_trades"],
    "resendTrades": ["resend_trades"],
    "getPositions": ["get_positions"],
    "bookTrade": ["book_trade"],
}


def test_every_operation_the_spec_has_is_a_client_method(spec):
    operations = {
        operation["operationId"]
        for path in spec["paths"].values()
        for operation in path.values()
        if not operation.get("deprecated")
    }

    # Equality: an operation added to the spec fails here until the client has it.
    assert set(METHODS) == operations
    for names in METHODS.values():
        assert all(callable(getattr(IntegralClient, name)) for name in names)
