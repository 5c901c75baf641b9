"""Answer rewrites that break a stated rule: a refusal's status or code, a token's life, a fill."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from tests.contracts.middleware import Rewrite, body_of, each_order, is_call, with_body

SESSION_PATHS = ("/v2/sso/login", "/v2/sso/token/renew", "/sso/tokens/renew")
# How much longer than the token really lives the drifted login says it does.
LONGER_MS = 10 * 60 * 1000


def _error(response: Response, status: int, code: str, message: str) -> Response:
    response.status_code = status
    error = {"status": "ERROR", "errorCode": code, "errorMessage": message}
    return with_body(response, {**error, "responseTuples": None})


def login_promises_a_longer_life(request: Request, response: Response) -> Response | None:
    """Logins and renewals answer an expiryTime ten minutes after the token really expires."""
    body = body_of(response)
    if request.path in SESSION_PATHS and isinstance(body, dict) and "expiryTime" in body:
        return with_body(response, {**body, "expiryTime": body["expiryTime"] + LONGER_MS})
    return None


def malformed_login_is_a_401(request: Request, response: Response) -> Response | None:
    """A login body that is not a login (no `pass`, say) is answered as wrong credentials."""
    if is_call(request, "POST", "/v2/sso/login") and response.status_code == 400:
        return _error(response, 401, "INVALID_CREDENTIALS", "Wrong user or password")
    return None


def _fields_at_fault(body: Any) -> set[str]:
    tuples = body.get("responseTuples") if isinstance(body, dict) else None
    return {t.get("field") for t in tuples or [] if isinstance(t, dict)}


def malformed_symbol_is_a_404(request: Request, response: Response) -> Response | None:
    """A spot rate asked for a malformed symbol is answered as one not provisioned."""
    if is_call(request, "GET", "/v2/rates/spot") and response.status_code == 400:
        if "symbol" in _fields_at_fault(body_of(response)):
            return _error(response, 404, "UNKNOWN_SYMBOL", "No such symbol for this org")
    return None


def duplicate_coid_is_an_invalid_request(request: Request, response: Response) -> Response | None:
    """A coId used again is still a 400, under the generic code rather than DUPLICATE_COID."""
    body = body_of(response)
    if isinstance(body, dict) and body.get("errorCode") == "DUPLICATE_COID":
        return with_body(response, {**body, "errorCode": "INVALID_REQUEST"})
    return None


def quotes_understate_their_limits(request: Request, response: Response) -> Response | None:
    """Spot rates (and book levels) show a tenth of the size the venue then fills: a PQ order
    over the quoted limit trades."""
    body = body_of(response)
    if not (request.path.startswith("/v2/rates/spot") and isinstance(body, dict)):
        return None
    for rate in [body, *(body.get("levels") or [])]:
        for limit in ("bidLimit", "offerLimit"):
            if isinstance(rate.get(limit), int | float):
                rate[limit] = rate[limit] / 10
    return with_body(response, body)


def _worse_fill(order: dict[str, Any]) -> None:
    """A filled Limit buy of the base shown at a price a tenth of a percent over its limit."""
    base = str(order.get("symbol", "")).partition("/")[0]
    buys_base = (order.get("side") == "Buy") == (order.get("currency") == base)
    if order.get("type") == "Limit" and order.get("status") == "FILLED" and buys_base:
        worse = round(order["price"] * 1.001, 6)
        order.update(averagePrice=worse, lastPrice=worse)


limit_buys_fill_over_their_price = each_order(_worse_fill)


def code_renamed(code: str, instead: str) -> Rewrite:
    """A rewrite answering every error of `code` under `instead`, status and message kept."""

    def rewrite(request: Request, response: Response) -> Response | None:
        body = body_of(response)
        if isinstance(body, dict) and body.get("errorCode") == code:
            return with_body(response, {**body, "errorCode": instead})
        return None

    return rewrite
