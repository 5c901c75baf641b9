"""Drifts with a memory: they change an answer for what was answered before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from integral_mock.contracts.target import WsgiApp
from tests.contracts.middleware import AsExampleUser, body_of, is_call, trades_of, with_body


@dataclass
class FilledThenNew:
    """A FILLED order shows FILLED once, and NEW on every later poll."""

    shown_filled: set[str]

    def __call__(self, request: Request, response: Response) -> Response | None:
        body = body_of(response)
        if not (request.path.startswith("/v2/orders/") and isinstance(body, dict)):
            return None
        if body.get("status") != "FILLED":
            return None
        if body["orderId"] not in self.shown_filled:
            self.shown_filled.add(body["orderId"])
            return None
        return with_body(response, {**body, "status": "NEW"})


@dataclass
class TradesNotConsumed:
    """A download hands out its trades again on every later download, never emptying."""

    last: list[Any] | None = None

    def __call__(self, request: Request, response: Response) -> Response | None:
        body = body_of(response)
        if not (is_call(request, "GET", "/v2/trades/stp/messages") and isinstance(body, list)):
            return None
        if body:
            self.last = body
            return None
        return with_body(response, self.last) if self.last else None


@dataclass
class ReusedOrderIds:
    """Every placement after the first answers the first order's orderId."""

    first: str | None = None

    def __call__(self, request: Request, response: Response) -> Response | None:
        if not (is_call(request, "POST", "/v2/orders") and response.status_code == 202):
            return None
        body = body_of(response)
        if self.first is None:
            self.first = body["orderId"]
            return None
        return with_body(response, {**body, "orderId": self.first})


@dataclass
class NewOrderNotFoundAtOnce:
    """The first lookup of each order by id answers 404, as if the book lagged behind."""

    looked_up: set[str]

    def __call__(self, request: Request, response: Response) -> Response | None:
        if not (is_call(request, "GET", "/v2/orders/") and response.status_code == 200):
            return None
        order_id = request.path.rsplit("/", 1)[-1]
        if order_id in self.looked_up:
            return None
        self.looked_up.add(order_id)
        error = {"status": "ERROR", "errorCode": "NOT_FOUND", "errorMessage": "No such order"}
        response.status_code = 404
        return with_body(response, {**error, "responseTuples": None})


@dataclass
class CancelledOrdersVanish:
    """An order cancelled with a 202 is not found any more."""

    cancelled: set[str]

    def __call__(self, request: Request, response: Response) -> Response | None:
        order_id = request.path.rsplit("/", 1)[-1]
        if is_call(request, "DELETE", "/v2/orders/") and response.status_code == 202:
            self.cancelled.add(order_id)
        elif is_call(request, "GET", "/v2/orders/") and order_id in self.cancelled:
            error = {"status": "ERROR", "errorCode": "NOT_FOUND", "errorMessage": "No such order"}
            response.status_code = 404
            return with_body(response, {**error, "responseTuples": None})
        return None


class FinalOrdersListedActive(AsExampleUser):
    """The active-orders list also shows the orders placed so far that are final."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__(app)
        self.placed: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response = self.call(environ)
        body = body_of(response)
        if is_call(request, "POST", "/v2/orders") and response.status_code == 202:
            self.placed.append(body["orderId"])
        elif is_call(request, "GET", "/v2/orders") and not request.args and isinstance(body, list):
            listed = {o["orderId"] for o in body}
            with_body(
                response, body + [o for o in self._final(request) if o["orderId"] not in listed]
            )
        return response(environ, start_response)

    def _final(self, request: Request) -> list[dict[str, Any]]:
        """The placed orders that are final now, looked up with the caller's own token."""
        found = []
        for order_id in self.placed:
            again = EnvironBuilder(f"/v2/orders/{order_id}", headers=dict(request.headers))
            order = body_of(self.call(again.get_environ()))
            if isinstance(order, dict) and order.get("status") in ("FILLED", "REJECTED"):
                found.append(order)
        return found


class OrderLookupsAnswerTheLatest(AsExampleUser):
    """GET /v2/orders/{id} answers the org's latest placed order, whichever id it asks for."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__(app)
        self.latest: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response = self.call(environ)
        body = body_of(response)
        if is_call(request, "POST", "/v2/orders") and response.status_code == 202:
            self.latest = body["orderId"]
        elif self._answers_one_order(request, response) and self.latest is not None:
            response = self.call({**environ, "PATH_INFO": f"/v2/orders/{self.latest}"})
        return response(environ, start_response)

    @staticmethod
    def _answers_one_order(request: Request, response: Response) -> bool:
        """Whether this is the 200 of GET /v2/orders/{id} (not its trades)."""
        one_order = is_call(request, "GET", "/v2/orders/") and request.path.count("/") == 3
        return one_order and response.status_code == 200


@dataclass
class BookingsDownloadTheOtherSide:
    """A booked trade is downloaded with the counterparty's side: a Buy booked comes as a Sell."""

    booked: set[str]

    def __call__(self, request: Request, response: Response) -> Response | None:
        body = body_of(response)
        if is_call(request, "POST", "/v2/trades") and isinstance(body, dict) and "tradeId" in body:
            self.booked.add(body["tradeId"])
        trades = trades_of(request, response)
        if not any(t.get("tradeId") in self.booked for t in trades):
            return None
        flipped = {"buy": "Sell", "sell": "Buy"}
        for trade in trades:
            if trade.get("tradeId") in self.booked:
                trade["side"] = flipped.get(str(trade.get("side")).lower(), trade.get("side"))
        return with_body(response, trades)
