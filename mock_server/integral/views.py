"""The Integral surface: thin views, each validated input → one domain call → JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify

from integral_mock.errors import BadRequest
from integral_mock.exchange.orders.trades import parse_execution_time
from integral_mock.exchange.sessions import Token
from integral_mock.integral.plumbing import (
    INTEGRAL_BLUEPRINT,
    TOKEN_NAME,
    authenticate,
    presented_token,
    sandbox,
    validated,
)

bp = Blueprint(INTEGRAL_BLUEPRINT, __name__)

API_VERSION = "1.0.1"
# Integral's documented default batch for trade downloads.
DEFAULT_TRADE_BATCH = 50


def _with_token(body: dict[str, Any], token: Token) -> Response:
    """The login envelope, with the token as a header and as a cookie (both are published)."""
    response = jsonify(body)
    response.headers[TOKEN_NAME] = token.value
    lifetime_s = max(1, (token.expires_ms - token.issued_ms) // 1000)
    response.set_cookie(TOKEN_NAME, token.value, max_age=lifetime_s, httponly=True, samesite="Lax")
    return response


def _envelope(token: Token) -> dict[str, Any]:
    return {
        "status": "OK",
        "errorCode": None,
        "responseTuples": None,
        "expiryTime": token.expires_ms,
        "serverUTCTime": sandbox().clock.now_ms(),
    }


@bp.post("/v2/sso/login")
def login() -> Response:
    _, body = validated()
    token = sandbox().venue.login(body["user"], body["pass"], body["org"])
    return _with_token(_envelope(token), token)


@bp.get("/v2/sso/token/renew", endpoint="renewToken")
@bp.get("/sso/tokens/renew", endpoint="renewTokenDeprecated")
def renew_token() -> Response:
    validated()
    token, expired = sandbox().venue.renew_token(presented_token())
    body = {**_envelope(token), "valid": True, "apiVersion": API_VERSION, "expired": expired}
    return _with_token(body, token)


@bp.get("/v2/rates/spot")
def get_spot_rate() -> Response:
    principal = authenticate()
    query, _ = validated()
    return jsonify(sandbox().venue.get_spot_rate(principal, query["symbol"]))


@bp.post("/v2/orders")
def place_order() -> Response:
    principal = authenticate()
    _, body = validated()
    s = sandbox()
    # Unknown fields are ignored and not echoed (the spec says so).
    order = {k: v for k, v in body.items() if k in s.validator.order_fields}
    response = jsonify(s.venue.place_order(principal, order, s.directive()))
    response.status_code = 202
    return response


@bp.get("/v2/orders")
def query_orders() -> Response:
    principal = authenticate()
    query, _ = validated()
    return jsonify(sandbox().venue.query_orders(principal, query.get("coId")))


@bp.get("/v2/orders/<id>")
def get_order(id: str) -> Response:  # noqa: A002 - the spec names the path parameter `id`
    principal = authenticate()
    validated()
    return jsonify(sandbox().venue.get_order(principal, id))


@bp.get("/v2/orders/<id>/trades")
def get_order_trades(id: str) -> Response:  # noqa: A002 - the spec names the path parameter `id`
    principal = authenticate()
    validated()
    return jsonify(sandbox().venue.get_order_trades(principal, id))


@bp.delete("/v2/orders/<id>")
def cancel_order(id: str) -> Response:  # noqa: A002 - the spec names the path parameter `id`
    principal = authenticate()
    validated()
    sandbox().venue.cancel_order(principal, id)
    return _accepted_without_body()


@bp.delete("/v2/orders")
def cancel_all_orders() -> Response:
    principal = authenticate()
    query, _ = validated()
    if query:
        # Ignored like any unknown parameter, `?coId=X` (the lookup's form) would cancel every
        # active order of the org where the client meant one: refused, nothing cancelled.
        names = sorted(query)
        raise BadRequest(
            f"cancel-all takes no query parameters ({', '.join(names)}); cancel one order with "
            "DELETE /v2/orders/{orderId}",
            fields=[{"field": n, "message": "is not a parameter of cancel-all"} for n in names],
        )
    sandbox().venue.cancel_all_orders(principal)
    return _accepted_without_body()


@bp.get("/v2/rates/spot/<type>", endpoint="getSpotRateByType")
@bp.get("/v2/rates/spot/<type>/<org>", endpoint="getSpotRateByTypeForOrg")
def get_spot_rate_by_type(type: str, org: str | None = None) -> Response:  # noqa: A002
    principal = authenticate()
    query, _ = validated()
    book = sandbox().venue.get_spot_rate_by_type(principal, type, query["symbol"], org)
    return jsonify(book)


@bp.get("/marketdataset")
def get_market_data_sets() -> Response:
    principal = authenticate()
    query, _ = validated()
    return jsonify(sandbox().venue.get_market_data_sets(principal, query))


@bp.get("/v2/trades/stp/messages")
def get_trade_messages() -> Response:
    principal = authenticate()
    query, _ = validated()
    max_count = int(query.get("maxCount", DEFAULT_TRADE_BATCH))
    return jsonify(sandbox().venue.get_trade_messages(principal, max_count))


@bp.post("/v2/trades/stp/resend")
def resend_trades() -> Response:
    principal = authenticate()
    _, body = validated()
    start = parse_execution_time(body["startDate"], "startDate")
    end = parse_execution_time(body["endDate"], "endDate")
    count = sandbox().venue.resend_trades(principal, start, end)
    return jsonify({"status": "OK", "errorCode": None, "responseTuples": None, "resent": count})


def _accepted_without_body() -> Response:
    response = Response(status=202)
    del response.headers["Content-Type"]  # no body, so no type (Flask would say text/html)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


# -- positions and booked trades ---------------------------------------------------------------


@bp.get("/v2/positions")
def get_positions() -> Response:
    principal = authenticate()
    query, _ = validated()
    return jsonify(sandbox().venue.get_positions(principal, query))


@bp.post("/v2/trades")
def book_trade() -> Response:
    principal = authenticate()
    _, body = validated()
    return jsonify(sandbox().venue.book_trade(principal, body))
