"""The client's enums, fields, errors and methods against openapi/integral.yaml."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from openapi_schema_validator import OAS31Validator

from integral_mock.client import (
    ApiError,
    BadRequest,
    BookLevel,
    BookType,
    ExecFlag,
    Forbidden,
    IntegralClient,
    LoginResult,
    MarketDataSet,
    MarketDataSetId,
    NotFound,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    RateLimited,
    RenewResult,
    ResendResult,
    ServerError,
    Side,
    SpotBook,
    SpotRate,
    TimeInForce,
    TradeEvent,
    TradeMessage,
    Unauthorized,
)
from integral_mock.client.errors import error_class
from integral_mock.client.wire import to_wire, wire_names


def _schemas(spec):
    return spec["components"]["schemas"]


def _always_present(cls) -> set[str]:
    """Wire names the model always carries: no default, or a generated one."""
    return {
        name
        for name, f in wire_names(cls).items()
        if f.default is dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }


@pytest.mark.parametrize(
    ("enum", "schema"),
    [
        (OrderType, "OrderType"),
        (Side, "Side"),
        (TimeInForce, "TimeInForce"),
        (OrderStatus, "OrderStatus"),
    ],
)
def test_enums_are_the_specs(spec, enum, schema):
    assert [member.value for member in enum] == _schemas(spec)[schema]["enum"]


def _parameter(spec, path, method, name):
    (found,) = [p for p in spec["paths"][path][method]["parameters"] if p.get("name") == name]
    return found["schema"]


def test_book_types_data_set_ids_and_trade_events_are_the_specs(spec):
    for path in ("/v2/rates/spot/{type}", "/v2/rates/spot/{type}/{org}"):
        assert [t.value for t in BookType] == _parameter(spec, path, "get", "type")["enum"]
    assert set(_schemas(spec)["SpotBook"]["properties"]["type"]["enum"]) < set(BookType)
    data_set = _parameter(spec, "/marketdataset", "get", "id")
    assert [m.value for m in MarketDataSetId] == data_set["enum"]
    assert [e.value for e in TradeEvent] == _schemas(spec)["TradeMessage"]["properties"]["event"][
        "enum"
    ]


def test_exec_flags_are_the_specs(spec):
    expected = _schemas(spec)["OrderFields"]["properties"]["execFlags"]["items"]["enum"]
    assert [member.value for member in ExecFlag] == expected


def test_final_statuses_are_those_the_spec_names_final(spec):
    assert {s.value for s in OrderStatus if s.is_final} == {
        "FILLED",
        "REJECTED",
        "EXPIRED",
        "CANCELLED",
    }
    assert all(s.value in _schemas(spec)["OrderStatus"]["description"] for s in OrderStatus)


def test_an_order_request_has_exactly_the_specs_fields_and_always_sends_the_required(spec):
    fields = _schemas(spec)["OrderFields"]

    assert set(wire_names(OrderRequest)) == set(fields["properties"])
    assert _always_present(OrderRequest) == set(fields["required"])


def test_an_order_has_the_specs_fields_and_requires_what_the_spec_requires(spec):
    fields = _schemas(spec)["OrderFields"]
    extra = _schemas(spec)["Order"]["allOf"][1]

    assert set(wire_names(Order)) == set(fields["properties"]) | set(extra["properties"])
    assert _always_present(Order) == set(fields["required"]) | set(extra["required"])


def test_a_spot_rate_has_the_specs_fields(spec):
    schema = _schemas(spec)["SpotRate"]

    assert set(wire_names(SpotRate)) == set(schema["properties"]) == set(schema["required"])
    assert _always_present(SpotRate) == set(schema["required"])


def test_a_book_and_its_levels_have_the_specs_fields(spec):
    book = _schemas(spec)["SpotBook"]
    level = book["properties"]["levels"]["items"]["allOf"][1]
    rate = _schemas(spec)["SpotRate"]

    assert set(wire_names(SpotBook)) == set(book["properties"]) == set(book["required"])
    assert _always_present(SpotBook) == set(book["required"])
    assert set(wire_names(BookLevel)) == set(rate["properties"]) | set(level["properties"])
    assert _always_present(BookLevel) == set(rate["required"]) | set(level["required"])


def _not_nullable(schema):
    """The required properties that may not be null (a nullable one is optional in a model)."""
    return {
        name
        for name in schema["required"]
        if "null" not in (schema["properties"][name].get("type") or [])
    }


@pytest.mark.parametrize(
    ("model", "name"), [(MarketDataSet, "MarketDataSet"), (TradeMessage, "TradeMessage")]
)
def test_data_sets_and_trade_messages_have_the_specs_fields(spec, model, name):
    schema = _schemas(spec)[name]

    assert set(wire_names(model)) == set(schema["properties"])
    assert _always_present(model) == _not_nullable(schema)


def test_a_resend_result_reads_only_required_fields(spec):
    schema = _schemas(spec)["ResendResponse"]

    assert set(wire_names(ResendResult)) <= set(schema["required"])
    assert set(_schemas(spec)["ResendRequest"]["required"]) == {"startDate", "endDate"}


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


def test_login_and_renew_results_read_only_required_fields(spec):
    login = _schemas(spec)["LoginResponse"]
    renew = _schemas(spec)["RenewResponse"]["allOf"][1]

    assert _always_present(LoginResult) <= set(login["required"])
    assert _always_present(RenewResult) - _always_present(LoginResult) == set(renew["required"])


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


def test_the_error_object_has_the_fields_the_client_reads(spec):
    error = _schemas(spec)["Error"]
    assert set(error["required"]) == {"status", "errorCode", "errorMessage", "responseTuples"}


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
