"""Our check that an accepted order echoes what was sent, from Integral's published 202 body."""

# Integral's tutorial: the 202 of a placement is "the body echo plus org, orderId, userFullName,
# action and status". The echoed fields are the order fields the spec names (OrderFields):
# unknown fields are ignored and not echoed, a sandbox decision the spec states.

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import credentials
from integral_mock.contracts.checks import is_place_order, json_of, over_http

ORDER_FIELDS = "OrderFields"
# What says what is traded. Live, only these are compared: a real venue may normalise the others
# (a clientOrderTime in its own zone, an expiry, an account it fills in), which the published
# "body echo" does not rule out; in-process every order field is.
CORE_FIELDS = frozenset(
    {"coId", "symbol", "side", "size", "type", "timeInForce", "currency", "price"}
)


def placed_order_echoes_the_request(ctx: CheckContext, response: Response, case: Case) -> None:
    """Every order field (live, every core one) an accepted order was sent comes back in its
    202, with that value."""
    echoed = _accepted_order(response, case)
    if echoed is None:
        return
    sent = case.body if isinstance(case.body, dict) else {}
    name = "placed_order_echoes_the_request"
    for field in compared_fields(_order_fields(case), sent, live=over_http(case)):
        assert field in echoed, f"{name}: sent {field} {sent[field]!r}, the 202 leaves it out"
        assert _same(sent[field], echoed[field]), (
            f"{name}: sent {field} {sent[field]!r}, the 202 echoes {echoed[field]!r}"
        )


def placed_order_names_its_placer(ctx: CheckContext, response: Response, case: Case) -> None:
    """An accepted order's `userFullName` is the caller's `user@org`, and its `org` the
    caller's org unless the order was sent with one (on behalf of another)."""
    order = _accepted_order(response, case)
    if order is None:
        return
    name = "placed_order_names_its_placer"
    # Every placement the suite makes is the caller's: its auth and its desk log in as them.
    caller = credentials.caller()
    placer = f"{caller.user}@{caller.org}"
    got = order.get("userFullName")
    assert got == placer, f"{name}: placed by {placer!r}, the 202 says {got!r}"
    sent = case.body.get("org") if isinstance(case.body, dict) else None
    if sent is None:
        org = order.get("org")
        assert org == caller.org, f"{name}: placed by org {caller.org!r}, the 202 says {org!r}"


def _accepted_order(response: Response, case: Case) -> dict[str, Any] | None:
    """The order a placement's 2xx answered, or None (another call, a refusal, or no JSON
    object: the schema and content-type checks say so)."""
    if not is_place_order(case) or not 200 <= response.status_code < 300:
        return None
    order = json_of(response)
    return order if isinstance(order, dict) else None


def compared_fields(order_fields: set[str], sent: dict[str, Any], *, live: bool) -> set[str]:
    """The fields of `sent` whose echo is compared: every order field, or live the core ones."""
    fields = order_fields & set(sent)
    return fields & CORE_FIELDS if live else fields


def _order_fields(case: Case) -> set[str]:
    """The order fields the spec names (the contract's own document, not the server's code)."""
    schemas = case.operation.schema.raw_schema.get("components", {}).get("schemas", {})
    return set(schemas.get(ORDER_FIELDS, {}).get("properties", {}))


def _same(sent: Any, echoed: Any) -> bool:
    """Equal as JSON means it: numbers by value (1000 is 1000.0), everything else exactly."""
    if _is_number(sent) and _is_number(echoed):
        try:
            return Decimal(str(sent)) == Decimal(str(echoed))
        except InvalidOperation:  # inf or nan: only an identical one is the same
            return str(sent) == str(echoed)
    return bool(sent == echoed and type(sent) is type(echoed))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
