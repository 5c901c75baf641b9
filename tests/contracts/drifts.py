"""Deliberately broken variants of the sandbox, and what the contract suite says on each."""

# Every drift is WSGI middleware that changes answers after the sandbox's own response validation
# has passed them, so only the contract suite stands between the drift and a green run.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from integral_mock.contracts.target import WsgiApp
from tests.contracts.memory_drifts import (
    CancelledOrdersVanish,
    FilledThenNew,
    FinalOrdersListedActive,
    LeaksOtherOrgsOrders,
    NewOrderNotFoundAtOnce,
    ReusedOrderIds,
    StaleQuotesFill,
    TokenNotRequired,
    TradesNotConsumed,
    UsedCoIdsTradeAgain,
)
from tests.contracts.middleware import Rewriting, body_of, is_call, rewriting, with_body

# -- status codes ----------------------------------------------------------------------------


def place_answers_200(request: Request, response: Response) -> None:
    if is_call(request, "POST", "/v2/orders") and response.status_code == 202:
        response.status_code = 200


def unauthorized_answers_200(request: Request, response: Response) -> None:
    if response.status_code == 401:
        response.status_code = 200


def unsupported_method_answers_404(request: Request, response: Response) -> None:
    if response.status_code == 405:
        response.status_code = 404
        del response.headers["Allow"]


def rejected_answers_400(request: Request, response: Response) -> None:
    body = body_of(response)
    if isinstance(body, dict) and body.get("status") == "REJECTED":
        response.status_code = 400


# -- bodies ----------------------------------------------------------------------------------


def price_as_string(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "GET", "/v2/rates/spot") and isinstance(body, dict) and "offer" in body:
        return with_body(response, {**body, "bid": str(body["bid"]), "offer": str(body["offer"])})
    return None


def echo_changes_side(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "POST", "/v2/orders") and isinstance(body, dict) and "side" in body:
        return with_body(response, {**body, "side": "Sell" if body["side"] == "Buy" else "Buy"})
    return None


def order_without_user_full_name(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if request.path.startswith("/v2/orders") and isinstance(body, dict) and "orderId" in body:
        return with_body(response, {k: v for k, v in body.items() if k != "userFullName"})
    return None


def error_without_error_code(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if response.status_code >= 400 and isinstance(body, dict):
        return with_body(response, {k: v for k, v in body.items() if k != "errorCode"})
    return None


# -- headers and content types ---------------------------------------------------------------


def no_request_id(request: Request, response: Response) -> None:
    del response.headers["X-Request-ID"]


def request_id_not_echoed(request: Request, response: Response) -> None:
    response.headers["X-Request-ID"] = "req-made-up-by-the-server"


def method_not_allowed_without_allow(request: Request, response: Response) -> None:
    del response.headers["Allow"]


def errors_as_html(request: Request, response: Response) -> None:
    if response.status_code >= 400:
        response.headers["Content-Type"] = "text/html; charset=utf-8"


# -- lifecycle -------------------------------------------------------------------------------


def received_answered_as_new(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "POST", "/v2/orders") and response.status_code == 202:
        return with_body(response, {**body, "status": "NEW"})
    return None


def resent_trades_come_back_as_new(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if not (is_call(request, "GET", "/v2/trades/stp/messages") and isinstance(body, list)):
        return None
    return with_body(response, [{**t, "event": "NEW"} for t in body if isinstance(t, dict)])


def cancelling_a_final_order_answers_202(request: Request, response: Response) -> None:
    body = body_of(response)
    if request.method == "DELETE" and isinstance(body, dict):
        if body.get("errorCode") == "ORDER_FINAL":
            response.status_code = 202
            response.set_data(b"")
            del response.headers["Content-Type"]


def body_not_json_answers_415(request: Request, response: Response) -> None:
    body = body_of(response)
    if isinstance(body, dict) and body.get("errorCode") == "UNSUPPORTED_MEDIA_TYPE":
        response.status_code = 415  # HTTP's own code, not the 400 integral-api.md decides


def fresh_token_renews_as_expired(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "GET", "/v2/sso/token/renew") and isinstance(body, dict):
        return with_body(response, {**body, "valid": False, "expired": True})
    return None


def rejected_without_reason(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    orders = body if isinstance(body, list) else [body]
    if any(isinstance(o, dict) and o.pop("reason", None) for o in orders):
        return with_body(response, body)
    return None


# The parts of the suite a teeth run may be given: the lifecycle tests (a few seconds, every
# answer put to every check), or every operation under Schemathesis' generated cases (the
# coverage phase's unsupported methods, missing tokens and bad input; no stateful phase).
LIFECYCLE = ("contracts/test_lifecycle.py",)
ORDER_RULES = ("contracts/test_order_rules.py",)
OPERATIONS = ("contracts/test_conformance.py::test_operation_keeps_the_contract",)


@dataclass(frozen=True)
class Drift:
    """A way to break the sandbox, what the suite says when it notices (any of these), and the
    part of the suite that is enough to notice it (the honest sandbox passes the whole suite)."""

    wrap: Callable[[WsgiApp], WsgiApp]
    caught_by: tuple[str, ...]
    parts: tuple[str, ...] = LIFECYCLE


DRIFTS: dict[str, Drift] = {
    # status codes
    "place_answers_200": Drift(
        rewriting(place_answers_200), ("placing_answers_202_received", "Undocumented status code")
    ),
    "unauthorized_answers_200": Drift(
        rewriting(unauthorized_answers_200),
        ("accepts requests without authentication", "Response violates schema"),
    ),
    "unsupported_method_answers_404": Drift(
        rewriting(unsupported_method_answers_404),
        ("Wrong response to undeclared method",),
        parts=OPERATIONS,
    ),
    "rejected_answers_400": Drift(rewriting(rejected_answers_400), ("rejected_order_has_reason",)),
    # bodies and types
    "price_as_string": Drift(rewriting(price_as_string), ("Response violates schema",)),
    "echo_changes_side": Drift(rewriting(echo_changes_side), ("placed_order_echoes_the_request",)),
    "order_without_user_full_name": Drift(
        rewriting(order_without_user_full_name), ("Response violates schema",)
    ),
    "error_without_error_code": Drift(
        rewriting(error_without_error_code),
        ("error_body_is_error_object", "Response violates schema"),
        parts=OPERATIONS,
    ),
    # headers and content types
    "no_request_id": Drift(
        rewriting(no_request_id), ("request_id_is_echoed", "Missing required response headers")
    ),
    "request_id_not_echoed": Drift(
        rewriting(request_id_not_echoed), ("request_id_is_echoed",), parts=OPERATIONS
    ),
    "method_not_allowed_without_allow": Drift(
        rewriting(method_not_allowed_without_allow),
        ("Wrong response to undeclared method", "Missing required response headers"),
        parts=OPERATIONS,
    ),
    "errors_as_html": Drift(
        rewriting(errors_as_html),
        ("error_body_is_error_object", "Undocumented Content-Type"),
        parts=OPERATIONS,
    ),
    # authentication and tenant isolation
    "token_not_required": Drift(TokenNotRequired, ("accepts requests without authentication",)),
    "leaks_other_orgs_orders": Drift(
        LeaksOtherOrgsOrders, ("other_org_cannot_see_order: another org asked",)
    ),
    # the order lifecycle
    "received_answered_as_new": Drift(
        rewriting(received_answered_as_new),
        ("placing_answers_202_received", "Response violates schema"),
    ),
    "filled_then_new": Drift(
        lambda app: Rewriting(app, FilledThenNew(set())), ("status_never_moves_backwards",)
    ),
    "stale_quotes_fill": Drift(StaleQuotesFill, ("stale_quote_is_rejected",)),
    "reuses_order_ids": Drift(
        lambda app: Rewriting(app, ReusedOrderIds()), ("order_ids_are_unique",)
    ),
    "new_order_not_found_at_once": Drift(
        lambda app: Rewriting(app, NewOrderNotFoundAtOnce(set())),
        ("placed_order_is_visible_at_once", "Created resource not found"),
    ),
    "cancelled_orders_vanish": Drift(
        lambda app: Rewriting(app, CancelledOrdersVanish(set())),
        ("cancelled_order_stays_readable",),
    ),
    "rejected_without_reason": Drift(
        rewriting(rejected_without_reason),
        ("rejected_order_has_reason", "Response violates schema"),
    ),
    # the trade download
    "resent_trades_come_back_as_new": Drift(
        rewriting(resent_trades_come_back_as_new), ("resent_trade_comes_back_as_resend",)
    ),
    "trades_not_consumed": Drift(
        lambda app: Rewriting(app, TradesNotConsumed()),
        ("trades_are_consumed", "filled_order_is_downloaded_once_as_new"),
    ),
    # what retries and renewals meet
    "used_coids_trade_again": Drift(
        UsedCoIdsTradeAgain,
        ("coid_used_again_is_refused", "order_ids_are_unique"),
        parts=ORDER_RULES,
    ),
    "cancelling_a_final_order_answers_202": Drift(
        rewriting(cancelling_a_final_order_answers_202),
        ("final_order_cannot_be_cancelled",),
        parts=ORDER_RULES,
    ),
    "body_not_json_answers_415": Drift(
        rewriting(body_not_json_answers_415),
        ("body_not_json_is_a_400", "Undocumented status code"),
        parts=ORDER_RULES,
    ),
    "fresh_token_renews_as_expired": Drift(
        rewriting(fresh_token_renews_as_expired),
        ("fresh_token_renews_as_valid",),
        parts=ORDER_RULES,
    ),
    "final_orders_listed_active": Drift(
        FinalOrdersListedActive, ("active_orders_are_active", "Response violates schema")
    ),
}
