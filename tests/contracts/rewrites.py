"""The teeth's answer rewrites: each changes one kind of answer of the sandbox after its own
response validation passed it (tests/contracts/drifts.py puts them to the suite)."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from tests.contracts.middleware import (
    accepted_without_body,
    body_of,
    is_call,
    trades_of,
    with_body,
)

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
    trades = trades_of(request, response)
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
    trades = trades_of(request, response)
    doubled = [{**t, "dealtAmount": t["dealtAmount"] * 2} for t in trades if "dealtAmount" in t]
    return with_body(response, doubled) if trades else None
