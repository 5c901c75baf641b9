"""The client's enums and models against openapi/integral.yaml: the enums' values, each model's
fields and the ones it always carries, the error object's fields."""

from __future__ import annotations

import dataclasses

import pytest

from integral_mock.client import (
    BookLevel,
    BookType,
    ExecFlag,
    LoginResult,
    MarketDataSet,
    MarketDataSetId,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    RenewResult,
    ResendResult,
    Side,
    SpotBook,
    SpotRate,
    TimeInForce,
    TradeEvent,
    TradeMessage,
)
from integral_mock.client.wire import wire_names


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


def test_login_and_renew_results_read_only_required_fields(spec):
    login = _schemas(spec)["LoginResponse"]
    renew = _schemas(spec)["RenewResponse"]["allOf"][1]

    assert _always_present(LoginResult) <= set(login["required"])
    assert _always_present(RenewResult) - _always_present(LoginResult) == set(renew["required"])


def test_the_error_object_has_the_fields_the_client_reads(spec):
    error = _schemas(spec)["Error"]
    assert set(error["required"]) == {"status", "errorCode", "errorMessage", "responseTuples"}
