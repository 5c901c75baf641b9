"""Our own checks, written from Integral's published workflow and not from the server's code."""

# Each check is a plain function named after the property it asserts: those that judge one
# response take Schemathesis' `(ctx, response, case)`, those that need history an OrderLedger.
# A failure is an AssertionError whose message starts with the property's name.

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from schemathesis import Case, CheckContext, Response

RECEIVED, NEW, PARTIALLY_FILLED = "RECEIVED", "NEW", "PARTIALLY_FILLED"
FILLED, REJECTED, EXPIRED, CANCELLED = "FILLED", "REJECTED", "EXPIRED", "CANCELLED"

# The moves Integral's tutorials draw (PQ, Limit and AtBest), plus the sandbox's decided
# PARTIALLY_FILLED and CANCELLED. Deliberately not imported from the server's lifecycle module:
# a check that shared the server's table would agree with any mistake in it.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({NEW, REJECTED, CANCELLED}),
    NEW: frozenset({PARTIALLY_FILLED, FILLED, REJECTED, EXPIRED, CANCELLED}),
    PARTIALLY_FILLED: frozenset({PARTIALLY_FILLED, FILLED, EXPIRED, CANCELLED}),
    FILLED: frozenset(),
    REJECTED: frozenset(),
    EXPIRED: frozenset(),
    CANCELLED: frozenset(),
}
FINAL = frozenset(s for s, moves in TRANSITIONS.items() if not moves)
NEEDS_REASON = frozenset({REJECTED, EXPIRED, CANCELLED})
ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
REQUEST_ID = "X-Request-ID"
# What an order trades: no later sighting of it may say otherwise.
TRADED_FIELDS = ("symbol", "side", "size", "currency", "type")
# The operations whose answers are orders.
ORDER_PATHS = frozenset({"/v2/orders", "/v2/orders/{id}"})


def reachable(status: str) -> frozenset[str]:
    """`status` and every status an order in it may show later."""
    seen, todo = {status}, [status]
    while todo:
        for after in TRANSITIONS.get(todo.pop(), frozenset()):
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return frozenset(seen)


# -- one response --------------------------------------------------------------------------


def error_body_is_error_object(ctx: CheckContext, response: Response, case: Case) -> None:
    """Every 4xx and 5xx is {status: ERROR, errorCode, errorMessage, responseTuples} as JSON."""
    if response.status_code < 400:
        return
    name = "error_body_is_error_object"
    media_type = _header(response, "content-type").split(";")[0].strip().lower()
    assert media_type == "application/json", f"{name}: Content-Type is {media_type!r}, not JSON"
    body = json_of(response)
    assert isinstance(body, dict), f"{name}: the body is not a JSON object: {body!r}"
    missing = {"status", "errorCode", "errorMessage", "responseTuples"} - set(body)
    assert not missing, f"{name}: missing {sorted(missing)} in {body!r}"
    assert body["status"] == "ERROR", f"{name}: status is {body['status']!r}, not 'ERROR'"
    code, message = body["errorCode"], body["errorMessage"]
    assert isinstance(code, str), f"{name}: errorCode {code!r} is not a string"
    assert ERROR_CODE.match(code), f"{name}: errorCode {code!r} is not UPPER_SNAKE_CASE"
    assert isinstance(message, str), f"{name}: errorMessage {message!r} is not a string"
    assert message, f"{name}: errorMessage is empty"
    assert _is_tuples(body["responseTuples"]), f"{name}: responseTuples {body['responseTuples']!r}"


def request_id_is_echoed(ctx: CheckContext, response: Response, case: Case) -> None:
    """The X-Request-ID sent comes back unchanged; without one (or an empty one), one is made."""
    sent = response.request.headers.get(REQUEST_ID)
    got = _header(response, REQUEST_ID)
    name = "request_id_is_echoed"
    # Over HTTP a field value's leading and trailing spaces and tabs are not part of it (RFC
    # 9110, 5.5): a server may read "id " as "id", or as "" (none sent).
    trimmed = (sent or "").strip(" \t")
    if not trimmed:
        assert got, f"{name}: no {REQUEST_ID} on the answer to a request without one"
    else:
        assert got in (sent, trimmed), f"{name}: sent {REQUEST_ID} {sent!r}, got back {got!r}"


def placing_answers_202_received(ctx: CheckContext, response: Response, case: Case) -> None:
    """An accepted order is HTTP 202 with status RECEIVED, a numeric orderId and its own coId."""
    if not is_place_order(case) or not 200 <= response.status_code < 300:
        return
    name = "placing_answers_202_received"
    assert response.status_code == 202, f"{name}: accepted with HTTP {response.status_code}"
    order = json_of(response)
    assert isinstance(order, dict), f"{name}: the body is not an order: {order!r}"
    assert order.get("status") == RECEIVED, f"{name}: status {order.get('status')!r}"
    assert str(order.get("orderId", "")).isdigit(), f"{name}: orderId {order.get('orderId')!r}"
    assert order.get("action") == "place", f"{name}: action {order.get('action')!r}"
    sent = case.body.get("coId") if isinstance(case.body, dict) else None
    assert order.get("coId") == sent, f"{name}: sent coId {sent!r}, got {order.get('coId')!r}"


def rejected_order_has_reason(ctx: CheckContext, response: Response, case: Case) -> None:
    """A REJECTED (or EXPIRED, CANCELLED) order is reported with HTTP 200 and a `reason`."""
    name = "rejected_order_has_reason"
    for order in orders_in(response, case):
        status = order.get("status")
        if status not in NEEDS_REASON:
            continue
        where = f"order {order.get('orderId')} is {status}"
        assert response.status_code == 200, f"{name}: {where} with HTTP {response.status_code}"
        reason = order.get("reason")
        assert isinstance(reason, str), f"{name}: {where} without a reason"
        assert reason, f"{name}: {where} with an empty reason"


def active_orders_are_active(ctx: CheckContext, response: Response, case: Case) -> None:
    """The list of active orders (GET /v2/orders without coId) holds no final order."""
    if case.method.upper() != "GET" or case.operation.path != "/v2/orders" or case.query:
        return
    for order in orders_in(response, case):
        assert order.get("status") not in FINAL, (
            f"active_orders_are_active: order {order.get('orderId')} is {order.get('status')}"
        )


def active_orders_are_oldest_first(placed: list[str], listed: list[str]) -> None:
    """Orders placed one after another and still working are all in the active list, in the
    order they were placed (the spec: oldest first)."""
    name = "active_orders_are_oldest_first"
    missing = [order_id for order_id in placed if order_id not in listed]
    assert not missing, f"{name}: working orders {missing} are not in the active list"
    shown = [order_id for order_id in listed if order_id in placed]
    assert shown == placed, f"{name}: placed as {placed}, listed as {shown}"


# -- history -------------------------------------------------------------------------------


@dataclass
class OrderLedger:
    """What the suite has seen of each order so far, to judge the next sighting."""

    coid_of: dict[str, str] = field(default_factory=dict)
    id_of: dict[tuple[str, str], str] = field(default_factory=dict)
    status_of: dict[str, str] = field(default_factory=dict)
    traded: dict[str, dict[str, Any]] = field(default_factory=dict)  # what each order trades

    def see(self, order: dict[str, Any]) -> None:
        """Judge one sighting of `order` against the earlier ones, then remember it."""
        order_ids_are_unique(self, order)
        order_id = str(order.get("orderId"))
        status_never_moves_backwards(order_id, self.status_of.get(order_id), order.get("status"))
        order_keeps_what_it_trades(order_id, self.traded.setdefault(order_id, {}), order)
        self.coid_of[order_id] = str(order.get("coId"))
        self.id_of[(_placing_org(order), str(order.get("coId")))] = order_id
        self.status_of[order_id] = str(order.get("status"))


def order_ids_are_unique(ledger: OrderLedger, order: dict[str, Any]) -> None:
    """One orderId names one order (one coId), and one coId of an org names one orderId."""
    order_id, co_id = str(order.get("orderId")), str(order.get("coId"))
    name = "order_ids_are_unique"
    known = ledger.coid_of.get(order_id)
    assert known in (None, co_id), f"{name}: orderId {order_id} names coId {known!r} and {co_id!r}"
    earlier = ledger.id_of.get((_placing_org(order), co_id))
    assert earlier in (None, order_id), (
        f"{name}: coId {co_id!r} is order {earlier} and order {order_id}"
    )


def order_keeps_what_it_trades(order_id: str, known: dict[str, Any], now: dict[str, Any]) -> None:
    """Each sighting says what earlier ones (`known`, added to) said of what the order trades:
    pair, side, size, currency, type. One leaving a field out (none is required) says nothing."""
    for name in TRADED_FIELDS:
        before, after = known.get(name), now.get(name)  # numbers by value: 1000 is 1000.0
        if before is None:
            known[name] = after
        assert before is None or after is None or before == after, (
            f"order_keeps_what_it_trades: order {order_id}'s {name} was {before!r}, now {after!r}"
        )


def status_never_moves_backwards(order_id: str, before: str | None, after: Any) -> None:
    """A later poll shows the same status or one the transitions table allows; final stays final."""
    assert after in TRANSITIONS, f"status_never_moves_backwards: order {order_id} is {after!r}"
    if before is None:
        return
    assert after in reachable(before), (
        f"status_never_moves_backwards: order {order_id} went {before} -> {after}"
        + (f"; {before} is final" if before in FINAL else "")
    )


# -- helpers -------------------------------------------------------------------------------
def orders_in(response: Response, case: Case) -> list[dict[str, Any]]:
    """The orders an answer of an order operation carries, at any HTTP status."""
    # A REJECTED order answered 400 is still an order: rejected_order_has_reason must see it.
    # An order's trades (/v2/orders/{id}/trades) are trade messages, which carry an orderId too.
    if case.operation.path not in ORDER_PATHS:
        return []
    body = json_of(response)
    items = body if isinstance(body, list) else [body]
    return [o for o in items if isinstance(o, dict) and "orderId" in o]


def is_cancel_order(case: Case) -> bool:
    """Whether `case` cancels one order (DELETE /v2/orders/{id})."""
    return case.method.upper() == "DELETE" and case.operation.path == "/v2/orders/{id}"


def is_place_order(case: Case) -> bool:
    """Whether `case` places an order (POST /v2/orders)."""
    return case.method.upper() == "POST" and case.operation.path == "/v2/orders"


def over_http(case: Case) -> bool:
    """Whether `case` goes to a live server over HTTP: a WSGI app's schema has the app."""
    return case.operation.schema.app is None


def _placing_org(order: dict[str, Any]) -> str:
    """The org that placed the order (`org` may name a customer it trades on behalf of)."""
    return str(order.get("userFullName", "")).rpartition("@")[2]


def _header(response: Response, name: str) -> str:
    values = response.headers.get(name.lower()) or [""]
    return values[0]


def json_of(response: Response) -> Any:
    """The answer's JSON body, or None when it has none."""
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _is_tuples(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(t, dict)
        and isinstance(t.get("field"), str)
        and isinstance(t.get("message"), str)
        for t in value
    )
