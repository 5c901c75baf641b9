"""Drifts in answers of what was asked: a quote's rateId, positions' filters, an order's trades."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from integral_mock.contracts.target import WsgiApp
from tests.contracts.drift_table import DOWNLOAD, Drift
from tests.contracts.middleware import (
    TOKEN_NAMES,
    Afterwards,
    body_of,
    buffered_body,
    is_call,
    rewriting,
    trades_of,
    with_body,
)

Key = tuple[str, str]  # (the caller's token, a pair)


def _token(request: Request) -> str:
    headers = {k.lower(): v for k, v in request.headers.items()}
    found = [headers[name] for name in TOKEN_NAMES if name in headers]
    return found[0] if found else request.cookies.get("SSO_TOKEN", "")


def _json(sent: bytes) -> Any:
    try:
        return json.loads(sent or b"null")
    except ValueError:
        return None


def _aliased(value: Any, alias: dict[str, str]) -> Any:
    """`value` with every `rateId` in it that `alias` names shown as its alias."""
    if isinstance(value, list):
        return [_aliased(v, alias) for v in value]
    if isinstance(value, dict):
        return {
            k: alias.get(v, v) if k == "rateId" and isinstance(v, str) else _aliased(v, alias)
            for k, v in value.items()
        }
    return value


class RateIdsReused:
    """Every spot rate of a pair answers the rateId of the caller's first one, until the caller
    places an order in the pair: one on that rateId is dealt on the latest quote, and answered
    (as are its trades) as if on the rateId it cited."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.shown: dict[Key, str] = {}  # the rateId every quote of the pair answers
        self.latest: dict[Key, str] = {}  # the pair's latest real rateId
        self.alias: dict[str, str] = {}  # a real rateId -> the one it was answered as

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent, request = buffered_body(environ), Request(environ)
        order = _json(sent) if is_call(request, "POST", "/v2/orders") else None
        if isinstance(order, dict) and isinstance(order.get("symbol"), str):
            key = (_token(request), order["symbol"])
            if key in self.shown and order.get("rateId") == self.shown.pop(key):
                data = json.dumps({**order, "rateId": self.latest[key]}).encode()
                environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))
        response = Response.from_app(self.app, environ)
        body = body_of(response)
        if request.path == "/v2/rates/spot" and isinstance(body, dict) and "rateId" in body:
            key = (_token(request), str(body.get("symbol")))
            real = str(body["rateId"])
            self.latest[key] = real
            self.alias[real] = self.shown.setdefault(key, real)
        if isinstance(body, dict | list):
            with_body(response, _aliased(body, self.alias))
        return response(environ, start_response)


class PositionsIgnoreTheirFilters:
    """Positions validate the symbol, level and value asked, then answer as if asked with
    none: the org's all, at the org level."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        response = Response.from_app(self.app, environ)
        if environ.get("PATH_INFO") == "/v2/positions" and response.status_code == 200:
            response = Response.from_app(self.app, {**environ, "QUERY_STRING": ""})
        return response(environ, start_response)


class OrderTradesOfAnother(Afterwards):
    """An order without trades answers the trades last answered for another order."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__(app)
        self.last: list[Any] = []

    def after(self, request: Request, response: Response) -> Response | None:
        if not (is_call(request, "GET", "/v2/orders/") and request.path.endswith("/trades")):
            return None
        body = body_of(response)
        if response.status_code != 200 or not isinstance(body, list):
            return None
        if body:
            self.last = body
            return None
        return with_body(response, self.last) if self.last else None


def _asked(test: str) -> tuple[str, ...]:
    return (f"contracts/test_asked.py::test_{test}",)


ASKED_DRIFTS: dict[str, Drift] = {
    "rate_ids_reused": Drift(
        RateIdsReused,
        ("spot_rate_id_is_fresh",),
        parts=("contracts/test_quote_rules.py::test_every_spot_answer_issues_a_fresh_rate_id",),
    ),
    "positions_ignore_their_filters": Drift(
        PositionsIgnoreTheirFilters,
        ("positions_are_the_ones_asked",),
        parts=_asked("positions_are_of_the_symbol_level_and_value_asked"),
    ),
    "order_trades_of_another": Drift(
        OrderTradesOfAnother,
        ("order_trades_are_its_own", "order_trades_are_the_orders"),
        parts=_asked("an_orders_trades_are_its_own"),
    ),
}


class HmacSignedAsPublishedRefused:
    """A request signed as published is refused, as by a server that signs `request-line` with
    a name prefix: 401 HMAC_INVALID."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("HTTP_TYPE", "").lower() != "hmac":
            return self.app(environ, start_response)
        error = {"status": "ERROR", "errorCode": "HMAC_INVALID", "responseTuples": None}
        error["errorMessage"] = "the signature does not match"
        response = Response(json.dumps(error), status=401, mimetype="application/json")
        response.headers["X-Request-ID"] = environ.get("HTTP_X_REQUEST_ID") or "hmac-refused"
        return response(environ, start_response)


def _order_trades_changed(**change: str) -> Callable[[Request, Response], Response | None]:
    """Downloaded trades of orders (not bookings, which come by the trade-entry channel)
    changed as `change` says."""

    def of_order(trade: dict[str, Any]) -> bool:
        return trade.get("channel") != "API/TradeEntry"

    def rewrite(request: Request, response: Response) -> Response | None:
        trades = trades_of(request, response)
        if not any(of_order(t) for t in trades):
            return None
        return with_body(response, [{**t, **change} if of_order(t) else t for t in trades])

    return rewrite


def _positions_changed(change: Callable[[dict[str, Any]], None]) -> Callable[..., Any]:
    """Every position (and child) of an answer of /v2/positions changed by `change`."""

    def each(position: dict[str, Any]) -> None:
        change(position)
        for child in position.get("children") or []:
            each(child)

    def rewrite(request: Request, response: Response) -> Response | None:
        body = body_of(response)
        if request.path != "/v2/positions" or not isinstance(body, list) or not body:
            return None
        for position in body:
            each(position)
        return with_body(response, body)

    return rewrite


def _pnl_in_base(position: dict[str, Any]) -> None:
    position["pnlCurrency"] = str(position.get("symbol")).partition("/")[0]


def _children_at_its_level(position: dict[str, Any]) -> None:
    for child in position.get("children") or []:
        child["level"] = position.get("level")


ASKED_DRIFTS |= {
    "hmac_signed_as_published_refused": Drift(
        HmacSignedAsPublishedRefused,
        ("hmac_signed_as_published_is_served",),
        parts=("contracts/test_hmac.py",),
    ),
    "positions_pnl_in_the_base": Drift(
        rewriting(_positions_changed(_pnl_in_base)),
        ("position_is_as_decided",),
        parts=_asked("positions_break_down_by_level_in_the_term_currency"),
    ),
    "position_children_at_their_parents_level": Drift(
        rewriting(_positions_changed(_children_at_its_level)),
        ("position_is_as_decided",),
        parts=_asked("positions_break_down_by_level_in_the_term_currency"),
    ),
    "trades_name_another_user": Drift(
        rewriting(_order_trades_changed(user="traderB@orgB")),
        ("trade_says_what_its_order_dealt",),
        parts=DOWNLOAD,
    ),
    "trades_name_another_counterparty": Drift(
        rewriting(_order_trades_changed(counterparty="Not The Fill's Bank")),
        ("trade_says_what_its_order_dealt",),
        parts=DOWNLOAD,
    ),
}
