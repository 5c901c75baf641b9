"""The teeth's answer rewrites of values a schema cannot judge: times, names, fills, books, lists
and sessions (tests/contracts/value_drifts.py puts them to the suite)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from tests.contracts.middleware import body_of, each_order, is_call, trades_of, with_body

# -- values the schema cannot judge ----------------------------------------------------------


def cookie_of_another_token(request: Request, response: Response) -> None:
    if "Set-Cookie" in response.headers:
        response.headers["Set-Cookie"] = "SSO_TOKEN=not-the-token-of-the-header; Path=/"


def trades_without_rate_id(request: Request, response: Response) -> Response | None:
    trades = trades_of(request, response)
    return with_body(response, [{**t, "rateId": None} for t in trades]) if trades else None


def trades_for_another_customer(request: Request, response: Response) -> Response | None:
    trades = trades_of(request, response)
    changed = [{**t, "customerOrg": "CustOrg1"} for t in trades]
    return with_body(response, changed) if trades else None


orders_placed_by_another_user = each_order(lambda o: o.update(userFullName="traderB@orgB"))
transact_time_in_seconds = each_order(
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


rejected_orders_show_a_fill = each_order(
    lambda o: o.update(_fill_of(o, o["size"])) if o.get("status") == "REJECTED" else None
)
working_orders_show_a_full_fill = each_order(
    lambda o: o.update(_fill_of(o, o["size"])) if o.get("status") == "NEW" else None
)
filled_orders_leave_their_size = each_order(
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
