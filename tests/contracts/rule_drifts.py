"""Drifts that serve a request by another rule than the stated one, answering as if not."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from integral_mock.contracts.credentials import EXAMPLE_LOGIN
from integral_mock.contracts.target import WsgiApp
from tests.contracts.middleware import (
    TOKEN_NAMES,
    body_of,
    buffered_body,
    is_call,
    own_headers,
    with_body,
)

DOWNLOAD = "/v2/trades/stp/messages"


def _token(request: Request) -> str:
    return request.headers.get("SSO_TOKEN") or request.cookies.get("SSO_TOKEN") or ""


def _sent_json(environ: dict[str, Any]) -> Any:
    try:
        return json.loads(buffered_body(environ) or b"null")
    except ValueError:
        return None


def _send_instead(environ: dict[str, Any], body: dict[str, Any]) -> None:
    """`environ` made to carry `body` as its JSON request body."""
    data = json.dumps(body).encode()
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))


class Middleware:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def call(self, environ: dict[str, Any]) -> Response:
        return Response.from_app(self.app, environ)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.serve(environ)(environ, start_response)

    def serve(self, environ: dict[str, Any]) -> Response:
        raise NotImplementedError


class RenewalExtendsNothing(Middleware):
    """Renewing a live token answers a fresh expiryTime, but the token still expires when its
    login said: the answer is that of another token's renewal, carrying the caller's token."""

    def serve(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        renewal = request.method == "GET" and request.path.endswith("/renew")
        live = renewal and self.call({**environ, "PATH_INFO": "/v2/orders"}).status_code == 200
        if not live:
            return self.call(environ)
        login = EnvironBuilder("/v2/sso/login", method="POST", json=EXAMPLE_LOGIN.as_login())
        other = self.call(login.get_environ()).headers["SSO_TOKEN"]
        mine = (*TOKEN_NAMES, "cookie")
        headers = {k: v for k, v in own_headers(request).items() if k.lower() not in mine}
        again = EnvironBuilder(request.path, headers={**headers, "SSO_TOKEN": other})
        response = self.call(again.get_environ())
        response.headers["SSO_TOKEN"] = _token(request)
        response.headers["Set-Cookie"] = f"SSO_TOKEN={_token(request)}; Path=/"
        return response


class ResendsTradesNeverDownloaded(Middleware):
    """A resend queues every trade of its range, downloaded or not: one still waiting for its
    first download comes as NEW and again as RESEND."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__(app)
        self.waiting: dict[str, list[Any]] = {}  # token -> trades taken off its queue

    def serve(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        if is_call(request, "POST", "/v2/trades/stp/resend"):
            # Taken off the queue, so that the resend finds them downloaded and queues them.
            self.waiting.setdefault(_token(request), []).extend(self._drain(request))
        response = self.call(environ)
        body = body_of(response)
        if is_call(request, "GET", DOWNLOAD) and isinstance(body, list):
            held = self.waiting.pop(_token(request), []) + body
            # At most maxCount at a time (the spec's 50 by default), the rest held for later.
            most = int(request.args.get("maxCount", "50"))
            if held[most:]:
                self.waiting[_token(request)] = held[most:]
            if held != body:
                with_body(response, held[:most])
        return response

    def _drain(self, request: Request) -> list[Any]:
        taken: list[Any] = []
        while True:
            ask = EnvironBuilder(DOWNLOAD, query_string={"maxCount": 1000},
                                 headers=own_headers(request))  # fmt: skip
            batch = body_of(self.call(ask.get_environ()))
            if not isinstance(batch, list) or not batch:
                return taken
            taken += batch


class Rewritten(Middleware):
    """Places some orders otherwise than sent (`changed`), and shows them as sent: in the 202
    and in every later answer about them (`shown`)."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__(app)
        self.shown: dict[str, dict[str, Any]] = {}  # orderId -> the fields as sent

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        raise NotImplementedError

    def serve(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        order = _sent_json(environ) if is_call(request, "POST", "/v2/orders") else None
        instead = self.changed(order) if isinstance(order, dict) else None
        if instead is not None:
            _send_instead(environ, {**order, **instead})
        response = self.call(environ)
        body = body_of(response)
        if instead is not None and response.status_code == 202 and isinstance(body, dict):
            self.shown[str(body["orderId"])] = {k: order[k] for k in instead}
        items = body if isinstance(body, list) else [body]
        ours = [i for i in items if isinstance(i, dict) and str(i.get("orderId")) in self.shown]
        for item in ours:  # orders and their trades alike
            item.update({k: v for k, v in self.shown[str(item["orderId"])].items() if k in item})
        return with_body(response, body) if ours else response


class TermCurrencyDealsTheBaseSide(Rewritten):
    """A PQ order dealing the term currency is priced as if it dealt the base: a Buy of USD
    in EUR/USD must be at the offer (it buys EUR's side), not the bid."""

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        term = str(order.get("symbol", "")).partition("/")[2]
        if order.get("type") == "PQ" and order.get("currency") == term and term:
            return {"side": "Sell" if order.get("side") == "Buy" else "Buy"}
        return None


class IocLimitsRest(Rewritten):
    """A Limit IOC order is worked as GTC: one the market does not cross rests, NEW."""

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        if order.get("type") == "Limit" and order.get("timeInForce") == "IOC":
            return {"timeInForce": "GTC"}
        return None


class FokLimitsRest(Rewritten):
    """A Limit FOK order is worked as GTC: one the market does not cross rests, NEW."""

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        if order.get("type") == "Limit" and order.get("timeInForce") == "FOK":
            return {"timeInForce": "GTC"}
        return None


class GttLimitsRest(Rewritten):
    """A Limit GTT order is worked as GTC: its expiryTime passes and it rests on, NEW."""

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        if order.get("type") == "Limit" and order.get("timeInForce") == "GTT":
            return {"timeInForce": "GTC"}
        return None


class GttLimitsExpireAtOnce(Rewritten):
    """A Limit GTT order is worked as IOC: one the market does not cross expires at once."""

    def changed(self, order: dict[str, Any]) -> dict[str, Any] | None:
        if order.get("type") == "Limit" and order.get("timeInForce") == "GTT":
            return {"timeInForce": "IOC"}
        return None


class BookingsReuseClientRequestIds(Middleware):
    """A booking with a clientRequestId the org used is booked anyway, as a second trade."""

    def serve(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        booking = _sent_json(environ) if is_call(request, "POST", "/v2/trades") else None
        response = self.call(environ)
        code = (body_of(response) or {}).get("errorCode") if isinstance(booking, dict) else None
        if code == "DUPLICATE_REQUEST":
            asked = booking["clientRequestId"]
            _send_instead(environ, {**booking, "clientRequestId": f"{asked}-again"})
            response = self.call(environ)
            if response.status_code == 200:
                with_body(response, {**body_of(response), "clientRequestId": asked})
        return response


class BookingsRoundFineRates(Middleware):
    """A booking at a rate finer than the pair's convention is booked at it, rounded."""

    def serve(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        booking = _sent_json(environ) if is_call(request, "POST", "/v2/trades") else None
        response = self.call(environ)
        refused = response.status_code == 400 and isinstance(booking, dict)
        if refused and "rate" in {t.get("field") for t in _tuples(body_of(response))}:
            for decimals in (5, 3, 2):  # the conventions, finest first
                _send_instead(environ, {**booking, "rate": round(booking["rate"], decimals)})
                response = self.call(environ)
                if response.status_code == 200:
                    break
        return response


def _tuples(body: Any) -> list[dict[str, Any]]:
    tuples = body.get("responseTuples") if isinstance(body, dict) else None
    return [t for t in tuples or [] if isinstance(t, dict)]
