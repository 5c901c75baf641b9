"""The client's enums, fields, errors and methods against openapi/integral.yaml."""

from __future__ import annotations

import dataclasses

import pytest

from client import (
    ApiError,
    BadRequest,
    ExecFlag,
    Forbidden,
    IntegralClient,
    LoginResult,
    NotFound,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    RateLimited,
    RenewResult,
    ServerError,
    Side,
    SpotRate,
    TimeInForce,
    Unauthorized,
)
from client.errors import error_class
from client.wire import wire_names


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


def test_exec_flags_are_the_specs(spec):
    expected = _schemas(spec)["OrderFields"]["properties"]["execFlags"]["enum"]
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
    "queryOrders": ["get_order_by_coid", "active_orders"],
}


def test_the_client_methods_follow_operations_the_spec_has(spec):
    operations = {
        operation["operationId"]
        for path in spec["paths"].values()
        for operation in path.values()
        if not operation.get("deprecated")
    }

    # A subset, not equality: the spec may grow operations (cancel, trades) before the client.
    assert set(METHODS) <= operations
    for names in METHODS.values():
        assert all(callable(getattr(IntegralClient, name)) for name in names)
