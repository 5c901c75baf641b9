"""The teeth's answer rewrites: each changes one kind of answer of the sandbox after its own
response validation passed it (tests/contracts/drifts.py puts them to the suite)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.contracts.middleware import accepted_without_body, body_of, is_call, with_body

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


def _trades(request: Request, response: Response) -> list[dict[str, Any]]:
    """The trades a download answered (none for any other answer)."""
    body = body_of(response)
    if is_call(request, "GET", "/v2/trades/stp/messages") and isinstance(body, list):
        return [t for t in body if isinstance(t, dict)]
    return []


def resent_trades_come_back_as_new(request: Request, response: Response) -> Response | None:
    trades = _trades(request, response)
    return with_body(response, [{**t, "event": "NEW"} for t in trades]) if trades else None


def cancelling_a_final_order_answers_202(request: Request, response: Response) -> None:
    body = body_of(response)
    if request.method == "DELETE" and isinstance(body, dict):
        if body.get("errorCode") == "ORDER_FINAL":
            accepted_without_body(response)


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


def login_expires_before_it_answers(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if (
        is_call(request, "POST", "/v2/sso/login")
        and isinstance(body, dict)
        and "expiryTime" in body
    ):
        return with_body(response, {**body, "expiryTime": body["serverUTCTime"] - 1000})
    return None


def trades_deal_twice_the_fill(request: Request, response: Response) -> Response | None:
    trades = _trades(request, response)
    doubled = [{**t, "dealtAmount": t["dealtAmount"] * 2} for t in trades if "dealtAmount" in t]
    return with_body(response, doubled) if trades else None


# -- values the schema cannot judge ----------------------------------------------------------


def cookie_of_another_token(request: Request, response: Response) -> None:
    if "Set-Cookie" in response.headers:
        response.headers["Set-Cookie"] = "SSO_TOKEN=not-the-token-of-the-header; Path=/"


def trades_without_rate_id(request: Request, response: Response) -> Response | None:
    trades = _trades(request, response)
    return with_body(response, [{**t, "rateId": None} for t in trades]) if trades else None


def trades_for_another_customer(request: Request, response: Response) -> Response | None:
    trades = _trades(request, response)
    changed = [{**t, "customerOrg": "CustOrg1"} for t in trades]
    return with_body(response, changed) if trades else None


def _each_order(change: Callable[[dict[str, Any]], None]) -> Callable[..., Response | None]:
    """A rewrite that applies `change` to every order an answer of the orders API carries."""

    def rewrite(request: Request, response: Response) -> Response | None:
        body = body_of(response)
        orders = [
            o
            for o in (body if isinstance(body, list) else [body])
            if isinstance(o, dict) and "orderId" in o
        ]
        if not request.path.startswith("/v2/orders") or not orders:
            return None
        for order in orders:
            change(order)
        return with_body(response, body)

    return rewrite


orders_placed_by_another_user = _each_order(lambda o: o.update(userFullName="traderB@orgB"))
transact_time_in_seconds = _each_order(
    lambda o: o.update(transactTime=o["transactTime"] // 1000) if "transactTime" in o else None
)


def spot_time_in_seconds(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "GET", "/v2/rates/spot") and isinstance(body, dict) and "time" in body:
        return with_body(response, {**body, "time": body["time"] // 1000})
    return None


def booking_without_client_request_id(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "POST", "/v2/trades") and isinstance(body, dict) and "tradeId" in body:
        return with_body(response, {k: v for k, v in body.items() if k != "clientRequestId"})
    return None


def book_worst_first(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if isinstance(body, dict) and isinstance(body.get("levels"), list):
        return with_body(response, {**body, "levels": body["levels"][::-1]})
    return None


def order_trades_always_empty(request: Request, response: Response) -> Response | None:
    if is_call(request, "GET", "/v2/orders/") and request.path.endswith("/trades"):
        return with_body(response, []) if response.status_code == 200 else None
    return None


# -- fills, lists and sessions (values the schema cannot judge) ----------------------------


def _fill_of(order: dict[str, Any], cum: Any) -> dict[str, Any]:
    """The fill fields of `order` having filled `cum` of its size at its own price."""
    return {
        "cumQty": cum,
        "leavesQty": order["size"] - cum,
        "averagePrice": order.get("price") or 1.0,
        "execId": f"FXI{order['orderId']}",
        "executionType": "TRADE",
        "transactTime": 1_700_000_000_000,
    }


rejected_orders_show_a_fill = _each_order(
    lambda o: o.update(_fill_of(o, o["size"])) if o.get("status") == "REJECTED" else None
)
working_orders_show_a_full_fill = _each_order(
    lambda o: o.update(_fill_of(o, o["size"])) if o.get("status") == "NEW" else None
)
filled_orders_leave_their_size = _each_order(
    lambda o: o.update(leavesQty=o["size"]) if o.get("status") == "FILLED" else None
)


def active_list_newest_first(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "GET", "/v2/orders") and request.path == "/v2/orders":
        if not request.args and isinstance(body, list):
            return with_body(response, body[::-1])
    return None


def unknown_org_login_is_a_401(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "POST", "/v2/sso/login") and response.status_code == 404:
        response.status_code = 401  # as for a wrong password, where the sandbox decides 404
        return with_body(response, {**body, "errorCode": "INVALID_CREDENTIALS"})
    return None


def expired_tokens_cannot_renew(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if request.path.endswith("/renew") and isinstance(body, dict) and body.get("expired"):
        response.status_code = 401  # where the renew page says a new token is issued
        for header in ("SSO_TOKEN", "Set-Cookie"):
            del response.headers[header]
        message = "The SSO_TOKEN has expired; log in again"
        error = {"status": "ERROR", "errorCode": "TOKEN_EXPIRED", "errorMessage": message}
        return with_body(response, {**error, "responseTuples": None})
    return None


def full_book_answered_as_top_of_book(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if isinstance(body, dict) and isinstance(body.get("levels"), list) and body["levels"]:
        best = {k: v for k, v in body["levels"][0].items() if k != "provider"}
        return with_body(response, best)  # the best level, as a SpotRate: the schema allows it
    return None


def top_of_book_answered_as_book(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if request.path.startswith("/v2/rates/spot/TOB") and isinstance(body, dict):
        if "offer" in body:
            level = {**body, "provider": "the top of book"}
            book = {"symbol": body["symbol"], "type": "FULL", "time": body["time"]}
            return with_body(response, {**book, "levels": [level]})
    return None


def raw_book_says_full(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if isinstance(body, dict) and body.get("type") == "RAW":
        return with_body(response, {**body, "type": "FULL"})
    return None


def faults_without_retry_after(request: Request, response: Response) -> None:
    del response.headers["Retry-After"]


def server_errors_as_html(request: Request, response: Response) -> None:
    if response.status_code >= 500:
        response.set_data(b"<html><body><h1>Internal Server Error</h1></body></html>")
        response.headers["Content-Type"] = "text/html; charset=utf-8"


def queried_orders_flip_side(request: Request, response: Response) -> Response | None:
    body = body_of(response)
    if is_call(request, "GET", "/v2/orders/") and isinstance(body, dict) and "orderId" in body:
        return with_body(response, {**body, "side": "Sell" if body["side"] == "Buy" else "Buy"})
    return None
