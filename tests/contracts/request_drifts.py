"""Drifts in how a request is served: asked again otherwise, as the owner, or not carried out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from integral_mock.contracts.credentials import EXAMPLE_LOGIN, SECOND_ORG_LOGIN
from integral_mock.contracts.target import WsgiApp
from tests.contracts.middleware import (
    Afterwards,
    ServedAsExampleUser,
    accepted_without_body,
    body_of,
    buffered_body,
    is_call,
    own_headers,
    with_body,
)

WELL_FORMED_SYMBOL = re.compile(r"^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$")
TOKEN_HEADERS = ("sso-token", "sso_token", "cookie")


class SpotIgnoresSymbol:
    """A spot request for any well-formed symbol is answered with EUR/USD's rate."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        symbol = request.args.get("symbol", "")
        if request.path.startswith("/v2/rates/spot") and WELL_FORMED_SYMBOL.match(symbol):
            environ["QUERY_STRING"] = "symbol=EUR%2FUSD"
        return self.app(environ, start_response)


class AnyPasswordLogsIn:
    """A login as the docs' example user succeeds whatever the password."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent = buffered_body(environ)
        request = Request(environ)
        try:
            login = json.loads(sent) if is_call(request, "POST", "/v2/sso/login") else None
        except ValueError:
            login = None
        if isinstance(login, dict) and login.get("user") == EXAMPLE_LOGIN.user:
            right = {**login, "pass": EXAMPLE_LOGIN.password}
            again = EnvironBuilder(
                "/v2/sso/login", method="POST", json=right, headers=own_headers(request)
            )
            return Response.from_app(self.app, again.get_environ())(environ, start_response)
        return self.app(environ, start_response)


class TokensNeverExpire(ServedAsExampleUser):
    """A request with an expired token is served as if it had a fresh one."""

    def serve_again(self, request: Request, response: Response) -> bool:
        body = body_of(response)
        expired = isinstance(body, dict) and body.get("errorCode") == "TOKEN_EXPIRED"
        if expired:
            self.token = None  # the example user's own token has expired as well
        return expired


class CancelAllCancelsNothing:
    """DELETE /v2/orders answers 202 and leaves every order working."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        if request.method != "DELETE" or request.path != "/v2/orders":
            return self.app(environ, start_response)
        # The active list, asked instead: its answer has the token's verdict and X-Request-ID.
        response = Response.from_app(self.app, {**environ, "REQUEST_METHOD": "GET"})
        if response.status_code == 200:
            accepted_without_body(response)
        return response(environ, start_response)


class OtherOrgsCancelOrders(ServedAsExampleUser):
    """A cancel of an order the caller's org cannot see is carried out as its owner's."""

    def serve_again(self, request: Request, response: Response) -> bool:
        return is_call(request, "DELETE", "/v2/orders/") and response.status_code == 404


class UsersWithoutPermissionTrade(ServedAsExampleUser):
    """A placement or cancel refused for want of trading permission is carried out anyway, as
    if the user had it (the example user is of the same org)."""

    def serve_again(self, request: Request, response: Response) -> bool:
        orders = request.method in ("POST", "DELETE") and request.path.startswith("/v2/orders")
        return orders and response.status_code == 403


class OrderTradesConsumeTheDownload(Afterwards):
    """Reading an order's trades also downloads (and so consumes) the org's waiting trades."""

    def after(self, request: Request, response: Response) -> None:
        if is_call(request, "GET", "/v2/orders/") and request.path.endswith("/trades"):
            token = {k: v for k, v in request.headers.items() if k.lower() in TOKEN_HEADERS}
            download = EnvironBuilder(
                "/v2/trades/stp/messages", query_string={"maxCount": 1000}, headers=token
            )
            Response.from_app(self.app, download.get_environ())


class OtherOrgsReadOrderTrades(ServedAsExampleUser):
    """An order's trades are served to whoever asks, its owner's org or not."""

    def serve_again(self, request: Request, response: Response) -> bool:
        order_trades = is_call(request, "GET", "/v2/orders/") and request.path.endswith("/trades")
        return order_trades and response.status_code == 404


class BooksForAnyOrg(Afterwards):
    """A rate or book asked for another org (/v2/rates/spot/{type}/{org}) is served as the
    caller's own, where the spec answers 403."""

    def after(self, request: Request, response: Response) -> Response | None:
        parts = request.path.split("/")  # "", v2, rates, spot, type, org
        if request.path.startswith("/v2/rates/spot/") and len(parts) == 6:
            if response.status_code == 403:
                own = "/".join([*parts[:5], EXAMPLE_LOGIN.org])
                return Response.from_app(self.app, {**request.environ, "PATH_INFO": own})
        return None


class DownloadIgnoresMaxCount:
    """A download hands out every waiting trade (up to 1000) whatever maxCount it was sent;
    a maxCount the spec refuses is still refused."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        asked = request.args.get("maxCount", "50")
        valid = asked.isdigit() and 1 <= int(asked) <= 1000 and len(request.args) <= 1
        if request.path == "/v2/trades/stp/messages" and valid:
            environ["QUERY_STRING"] = "maxCount=1000"
        return self.app(environ, start_response)


def second_org_call(app: WsgiApp, path: str, method: str = "GET", **parts: Any) -> Response:
    """`app` asked as the sandbox's second org (traderB of orgB), logged in afresh."""
    login = EnvironBuilder("/v2/sso/login", method="POST", json=SECOND_ORG_LOGIN.as_login())
    token = Response.from_app(app, login.get_environ()).headers["SSO_TOKEN"]
    ask = EnvironBuilder(path, method=method, headers={"SSO_TOKEN": token}, **parts)
    return Response.from_app(app, ask.get_environ())


class CancelAllCancelsEveryOrgs(Afterwards):
    """DELETE /v2/orders cancels the working orders of every org, not only the caller's."""

    def after(self, request: Request, response: Response) -> None:
        if is_call(request, "DELETE", "/v2/orders") and request.path == "/v2/orders":
            if response.status_code == 202:
                second_org_call(self.app, "/v2/orders", method="DELETE")


class DownloadHandsOutOtherOrgsTrades(Afterwards):
    """A download hands out the second org's waiting trades too, after the caller's own."""

    def after(self, request: Request, response: Response) -> None:
        own = body_of(response)
        if is_call(request, "GET", "/v2/trades/stp/messages") and isinstance(own, list):
            download = "/v2/trades/stp/messages"
            theirs = body_of(second_org_call(self.app, download, query_string={"maxCount": 1000}))
            if isinstance(theirs, list) and theirs:
                with_body(response, own + theirs)
