"""Cancelling one order or all of an org's active orders, over HTTP."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import TRADER_B, VIEWER, Api, assert_error
from tests.workflow.support import SETTLE_MS, assert_forward, new_order, pips

REASON = "CANCELLED: by apiUserId@apiOrganizationId"


def _cancel(client: FlaskClient, token: str, order_id: str | None = None) -> TestResponse:
    path = "/v2/orders" if order_id is None else f"/v2/orders/{order_id}"
    return client.delete(path, headers={"SSO_TOKEN": token})


def _resting(api: Api, token: str, **fields: object) -> str:
    """A GTC buy 50 pips under the offer: it rests NEW for as long as these tests look."""
    offer = api.spot(token)["offer"]
    order = new_order("Limit", "GTC", price=pips(offer, -50), **fields)
    return str(api.placed(token, order)["orderId"])


def test_cancel_a_resting_order_answers_202_empty_and_it_is_cancelled(
    api: Api, client: FlaskClient, token: str
) -> None:
    order_id = _resting(api, token)
    assert api.status_at(token, order_id, api.clock.now_ms() + SETTLE_MS) == "NEW"
    response = _cancel(client, token, order_id)
    assert response.status_code == 202
    assert response.get_data() == b""
    assert response.headers["X-Request-ID"]
    order = api.order(token, order_id)
    assert (order["status"], order["reason"]) == ("CANCELLED", REASON)
    assert api.active(token) == []
    api.clock.advance(60_000)
    assert api.order(token, order_id)["status"] == "CANCELLED"


def test_cancel_a_final_order_is_400_order_final_and_changes_nothing(
    api: Api, client: FlaskClient, token: str
) -> None:
    filled = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    cancelled = _resting(api, token)
    assert _cancel(client, token, cancelled).status_code == 202
    assert api.status_at(token, filled, api.clock.now_ms() + SETTLE_MS) == "FILLED"
    for order_id, status in ((filled, "FILLED"), (cancelled, "CANCELLED")):
        body = assert_error(_cancel(client, token, order_id), 400, "ORDER_FINAL")
        assert status in body["errorMessage"]
        assert api.order(token, order_id)["status"] == status


def test_cancel_before_the_order_is_worked_stops_its_fill(
    api: Api, client: FlaskClient, token: str
) -> None:
    placed = api.placed(token, api.pq_order(api.spot(token)))
    assert _cancel(client, token, placed["orderId"]).status_code == 202
    api.clock.advance(SETTLE_MS)
    order = api.order(token, placed["orderId"])
    assert order["status"] == "CANCELLED"
    assert "cumQty" not in order
    assert api.get("/v2/trades/stp/messages", token).json == []


def test_cancel_a_partly_filled_order_keeps_its_fills_and_stops_there(
    api: Api, client: FlaskClient, token: str
) -> None:
    offer = api.spot(token)["offer"]
    big = new_order("Limit", "GTC", size=40_000_000, price=pips(offer, 50))
    order_id = api.placed(token, big)["orderId"]
    api.clock.advance(2 * SETTLE_MS)
    before = api.order(token, order_id)
    assert before["status"] == "PARTIALLY_FILLED"
    assert _cancel(client, token, order_id).status_code == 202
    api.clock.advance(10 * SETTLE_MS)
    after = api.order(token, order_id)
    assert after["status"] == "CANCELLED"
    kept = ("cumQty", "leavesQty", "averagePrice", "transactTime")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert_forward(["NEW", before["status"], after["status"]])


def test_cancel_all_cancels_every_active_order_and_only_those(
    api: Api, client: FlaskClient, token: str
) -> None:
    filled = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    api.clock.advance(SETTLE_MS)
    resting = [_resting(api, token) for _ in range(2)]
    received = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    token_b = api.token(TRADER_B)
    other_org = _resting(api, token_b)
    assert len(api.active(token)) == 3
    response = _cancel(client, token)
    assert (response.status_code, response.get_data()) == (202, b"")
    assert api.active(token) == []
    for order_id in [*resting, received]:
        assert api.order(token, order_id)["status"] == "CANCELLED"
    assert api.order(token, filled)["status"] == "FILLED"
    assert [o["orderId"] for o in api.active(token_b)] == [other_org]
    assert _cancel(client, token).status_code == 202  # nothing left: still 202


def test_cancel_an_unknown_or_another_orgs_order_is_404(
    api: Api, client: FlaskClient, token: str
) -> None:
    token_b = api.token(TRADER_B)
    theirs = _resting(api, token_b)
    assert_error(_cancel(client, token, theirs), 404, "NOT_FOUND")
    assert_error(_cancel(client, token, "4999999999"), 404, "NOT_FOUND")
    assert api.order(token_b, theirs)["status"] in ("RECEIVED", "NEW")
    assert_error(_cancel(client, token, "not-a-number"), 400, "INVALID_REQUEST")


def test_a_user_without_trading_permission_cannot_cancel(
    api: Api, client: FlaskClient, token: str
) -> None:
    order_id = _resting(api, token)
    viewer = api.token(VIEWER)
    assert_error(_cancel(client, viewer, order_id), 403, "FORBIDDEN")
    assert_error(_cancel(client, viewer), 403, "FORBIDDEN")
    assert [o["orderId"] for o in api.active(token)] == [order_id]


def test_cancel_needs_a_token(api: Api, app: Flask, token: str) -> None:
    order_id = _resting(api, token)
    anonymous = app.test_client(use_cookies=False)  # the shared client keeps the login cookie
    assert_error(anonymous.delete(f"/v2/orders/{order_id}"), 401, "TOKEN_MISSING")
    assert_error(anonymous.delete("/v2/orders"), 401, "TOKEN_MISSING")
    assert api.order(token, order_id)["status"] == "RECEIVED"


def test_cancel_all_cancels_orders_that_move_on_reads_as_cancel_by_id_does(
    api: Api, client: FlaskClient, token: str
) -> None:
    """Under poll progression the list must not count as a read: it would fill the orders."""
    moved_on_reads = {"X-Sandbox-Progression": "immediate"}
    placed = []
    for _ in range(2):
        order = api.pq_order(api.spot(token))
        response = client.post(
            "/v2/orders", json=order, headers={"SSO_TOKEN": token, **moved_on_reads}
        )
        assert response.status_code == 202
        placed.append(response.json["orderId"])
    assert _cancel(client, token).status_code == 202
    for order_id in placed:
        order = api.order(token, order_id)
        assert (order["status"], order["reason"]) == ("CANCELLED", REASON)
        assert "cumQty" not in order
    assert api.get("/v2/trades/stp/messages", token).json == []
