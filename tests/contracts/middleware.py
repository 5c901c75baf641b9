"""WSGI middleware to break the sandbox with: rewrite its answers, or ask again as someone else."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from integral_mock.contracts.credentials import EXAMPLE_LOGIN
from integral_mock.contracts.target import WsgiApp

Rewrite = Callable[[Request, Response], Response | None]
# WSGI spells the SSO_TOKEN header Sso-Token; either spelling is the token.
TOKEN_NAMES = ("sso_token", "sso-token")


class Rewriting:
    """Runs the app, then lets `rewrite` change the answer (None keeps it)."""

    def __init__(self, app: WsgiApp, rewrite: Rewrite) -> None:
        self.app, self.rewrite = app, rewrite

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        response = Response.from_app(self.app, environ)
        response = self.rewrite(request, response) or response
        return response(environ, start_response)


def rewriting(rewrite: Rewrite) -> Callable[[WsgiApp], WsgiApp]:
    return lambda app: Rewriting(app, rewrite)


class Afterwards:
    """Middleware that runs the app, then lets `after` ask the app more (as another org, say)
    and change or replace the answer (None keeps it): a Rewriting that can call the app."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response = Response.from_app(self.app, environ)
        response = self.after(request, response) or response
        return response(environ, start_response)

    def after(self, request: Request, response: Response) -> Response | None:
        raise NotImplementedError


def body_of(response: Response) -> Any:
    try:
        return json.loads(response.get_data())
    except ValueError:
        return None


def with_body(response: Response, body: Any) -> Response:
    response.set_data(json.dumps(body))
    return response


def is_call(request: Request, method: str, path_prefix: str) -> bool:
    return request.method == method and request.path.startswith(path_prefix)


def trades_of(request: Request, response: Response) -> list[dict[str, Any]]:
    """The trades a download answered (none for any other answer)."""
    body = body_of(response)
    if is_call(request, "GET", "/v2/trades/stp/messages") and isinstance(body, list):
        return [t for t in body if isinstance(t, dict)]
    return []


def each_order(change: Callable[[dict[str, Any]], None]) -> Callable[..., Response | None]:
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


def accepted_without_body(response: Response) -> None:
    """`response` made a cancel's published answer: 202, no body, so no Content-Type."""
    response.status_code = 202
    response.set_data(b"")
    del response.headers["Content-Type"]


def buffered_body(environ: dict[str, Any]) -> bytes:
    """The request's body, read once and put back for the app to read."""
    sent: bytes = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(sent)
    return sent


def own_headers(request: Request) -> dict[str, str]:
    """The request's headers for a request of the drift's own (which sets its own body's)."""
    own = ("content-length", "content-type")
    return {k: v for k, v in request.headers.items() if k.lower() not in own}


def place(app: WsgiApp, request: Request, order: dict[str, Any]) -> Response:
    """`order` placed with `request`'s headers (its token, its X-Request-ID)."""
    builder = EnvironBuilder("/v2/orders", method="POST", json=order, headers=own_headers(request))
    return Response.from_app(app, builder.get_environ())


class AsExampleUser:
    """Middleware that can repeat a request as the docs' example user (of apiOrganizationId)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.token: str | None = None

    def call(self, environ: dict[str, Any]) -> Response:
        return Response.from_app(self.app, environ)

    def example_token(self) -> str:
        if self.token is None:
            login = EnvironBuilder("/v2/sso/login", method="POST", json=EXAMPLE_LOGIN.as_login())
            self.token = self.call(login.get_environ()).headers["SSO_TOKEN"]
        return self.token

    def as_example_user(self, request: Request, body: bytes) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in TOKEN_NAMES}
        again = EnvironBuilder(
            request.path,
            method=request.method,
            query_string=request.query_string.decode(),
            headers={**headers, "SSO_TOKEN": self.example_token()},
            data=body,
        )
        return self.call(again.get_environ())


class ServedAsExampleUser(AsExampleUser):
    """Middleware that serves a request again as the docs' example user whenever its own answer
    is one `serve_again` picks: the drift is in which answers those are."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent = buffered_body(environ)  # a request served again (a placement) needs it too
        request = Request(environ)
        response = self.call(environ)
        if self.serve_again(request, response):
            response = self.as_example_user(request, sent)
        return response(environ, start_response)

    def serve_again(self, request: Request, response: Response) -> bool:
        raise NotImplementedError
