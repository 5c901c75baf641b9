"""Drifts that serve a request otherwise: without its token, as the example user, under a coId
or a quote of their own, or as a renewal when it is none."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from integral_mock.contracts.credentials import EXAMPLE_LOGIN
from integral_mock.contracts.target import WsgiApp
from tests.contracts.middleware import (
    ServedAsExampleUser,
    body_of,
    buffered_body,
    is_call,
    own_headers,
    place,
    with_body,
)

PAIRS = ("symbol", "symbols")  # the query parameters that pick the pairs of a data set


class CookieTokenRefused:
    """A token sent only as a cookie is not read: the request is served as if it had none."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if "HTTP_SSO_TOKEN" not in environ:
            environ.pop("HTTP_COOKIE", None)
        return self.app(environ, start_response)


class TokenNotRequired(ServedAsExampleUser):
    """A request without a token is served as if the example user had sent it."""

    def serve_again(self, request: Request, response: Response) -> bool:
        return response.status_code == 401 and request.method == "GET"


class LeaksOtherOrgsOrders(ServedAsExampleUser):
    """An order another org asks for is looked up in apiOrganizationId's book too."""

    def serve_again(self, request: Request, response: Response) -> bool:
        return is_call(request, "GET", "/v2/orders") and response.status_code == 404


class UsedCoIdsTradeAgain:
    """A placement with a coId the org used already is placed anyway, as a second order."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent = buffered_body(environ)
        request = Request(environ)
        response = Response.from_app(self.app, environ)
        body = body_of(response)
        if is_call(request, "POST", "/v2/orders") and isinstance(body, dict):
            if body.get("errorCode") == "DUPLICATE_COID":
                response = self._again(request, json.loads(sent))
        return response(environ, start_response)

    def _again(self, request: Request, order: dict[str, Any]) -> Response:
        """`order` placed under a coId of its own, answered as if under the one it was sent."""
        again = {**order, "coId": f"{order['coId']}-again"}
        response = place(self.app, request, again)
        placed = body_of(response)
        if response.status_code == 202 and isinstance(placed, dict):
            with_body(response, {**placed, "coId": order["coId"]})
        return response


class StaleQuotesFill:
    """A PQ order on a quote over a minute old is dealt on a fresh quote instead, and answered
    as if on the one it cited."""

    STALE_MS = 60_000

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.issued: dict[str, int] = {}  # rateId -> the quote's time

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent = buffered_body(environ)
        request = Request(environ)
        order = json.loads(sent) if is_call(request, "POST", "/v2/orders") and sent else None
        if isinstance(order, dict) and order.get("rateId") in self.issued:
            fresh = self._spot(request, order.get("symbol"))  # an error without a token
            if fresh.get("time", 0) - self.issued[order["rateId"]] > self.STALE_MS:
                return self._on(fresh, request, order)(environ, start_response)
        response = Response.from_app(self.app, environ)
        body = body_of(response)
        if is_call(request, "GET", "/v2/rates/spot") and isinstance(body, dict):
            self.issued[body.get("rateId", "")] = int(body.get("time", 0))
        return response(environ, start_response)

    def _spot(self, request: Request, symbol: Any) -> dict[str, Any]:
        builder = EnvironBuilder("/v2/rates/spot", query_string={"symbol": symbol},
                                 headers=own_headers(request))  # fmt: skip
        found = body_of(Response.from_app(self.app, builder.get_environ()))
        return found if isinstance(found, dict) else {}

    def _on(self, fresh: dict[str, Any], request: Request, order: dict[str, Any]) -> Response:
        price = fresh["offer"] if order.get("side") == "Buy" else fresh["bid"]
        dealt = {**order, "rateId": fresh["rateId"], "price": price}
        response = place(self.app, request, dealt)
        placed = body_of(response)
        if isinstance(placed, dict):
            with_body(response, {**placed, "rateId": order["rateId"], "price": order["price"]})
        return response


class ReplacedTokensRenewAgain:
    """An expired token a renewal replaced renews again, into yet another new token: the
    replaced token is never revoked."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.replaced: dict[str, Response] = {}  # token -> the renewal that replaced it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        token = request.headers.get("SSO_TOKEN") or request.cookies.get("SSO_TOKEN")
        response = Response.from_app(self.app, environ)
        renewal = request.path.endswith("/renew") and token is not None
        if renewal and response.status_code == 200 and body_of(response).get("expired"):
            self.replaced[str(token)] = response
        elif renewal and response.status_code == 401 and token in self.replaced:
            response = self._renewed_again(self.replaced[str(token)], response)
        return response(environ, start_response)

    def _renewed_again(self, first: Response, refused: Response) -> Response:
        """The first renewal's answer, carrying the token of a fresh login (and the request id
        the refusal answered)."""
        login = EnvironBuilder("/v2/sso/login", method="POST", json=EXAMPLE_LOGIN.as_login())
        fresh = Response.from_app(self.app, login.get_environ()).headers["SSO_TOKEN"]
        again = Response(first.get_data(), status=200, content_type="application/json")
        again.headers["SSO_TOKEN"] = fresh
        again.headers["Set-Cookie"] = f"SSO_TOKEN={fresh}; Path=/"
        again.headers["X-Request-ID"] = refused.headers.get("X-Request-ID", "")
        return again


class LiveRenewalsRotate:
    """Renewing a live token logs in again, answers the new token and revokes the old one:
    another thread still holding it is refused."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.logins: dict[str, bytes] = {}  # token -> the login body that issued it
        self.revoked: set[str] = set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent = buffered_body(environ)
        request = Request(environ)
        token = request.headers.get("SSO_TOKEN") or request.cookies.get("SSO_TOKEN")
        if token in self.revoked:
            environ["HTTP_SSO_TOKEN"], environ["HTTP_COOKIE"] = "revoked-by-a-renewal", ""
        response = Response.from_app(self.app, environ)
        body = body_of(response)
        if is_call(request, "POST", "/v2/sso/login") and response.status_code == 200:
            self.logins[response.headers["SSO_TOKEN"]] = sent
        renewal = request.path.endswith("/renew") and response.status_code == 200
        if renewal and token in self.logins and isinstance(body, dict) and not body["expired"]:
            login = EnvironBuilder("/v2/sso/login", method="POST", data=self.logins[str(token)],
                                   content_type="application/json")  # fmt: skip
            fresh = Response.from_app(self.app, login.get_environ()).headers["SSO_TOKEN"]
            self.logins[fresh] = self.logins[str(token)]
            self.revoked.add(str(token))
            response.headers["SSO_TOKEN"] = fresh
            response.headers["Set-Cookie"] = f"SSO_TOKEN={fresh}; Path=/"
        return response(environ, start_response)


class DataSetsIgnoreTheirPairs:
    """Market data sets are validated as asked, then answered for every pair, whatever
    `symbol` or `symbols` picked."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response = Response.from_app(self.app, environ)
        picked = any(name in request.args for name in PAIRS)
        if request.path == "/marketdataset" and response.status_code == 200 and picked:
            kept = [(k, v) for k, v in request.args.items(multi=True) if k not in PAIRS]
            response = Response.from_app(self.app, {**environ, "QUERY_STRING": urlencode(kept)})
        return response(environ, start_response)
