"""Query all trades on an order by ID (GET /v2/orders/{id}/trades), over HTTP."""

from __future__ import annotations

from typing import Any

from tests.helpers import TRADER_B, Api, assert_error
from tests.workflow.support import SETTLE_MS, new_order, pips


def _trades_of(api: Api, token: str, order_id: str, **headers: str) -> list[dict[str, Any]]:
    response = api.get(f"/v2/orders/{order_id}/trades", token, headers)
    assert response.status_code == 200, response.json
    assert response.headers["X-Request-ID"]
    return list(response.json or [])


def _download(api: Api, token: str) -> list[dict[str, Any]]:
    response = api.get("/v2/trades/stp/messages", token)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def test_a_filled_orders_trade_is_its_download_and_reading_it_consumes_nothing(
    api: Api, token: str
) -> None:
    order_id = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    api.clock.advance(SETTLE_MS)
    first = _trades_of(api, token, order_id)
    assert first == _trades_of(api, token, order_id)  # read twice, the same
    [trade] = first
    assert trade["orderId"] == order_id
    assert trade["event"] == "NEW"
    assert trade["dealtAmount"] == api.order(token, order_id)["cumQty"]
    # The download still hands the trade out, once, as the same message.
    assert _download(api, token) == first
    assert _download(api, token) == []
    assert _trades_of(api, token, order_id) == first


def test_an_order_working_or_rejected_has_no_trade_until_it_fills(api: Api, token: str) -> None:
    quote = api.spot(token)
    working = api.placed(token, new_order("Limit", "GTC", price=pips(quote["offer"], -500)))
    rejected = api.placed(token, api.pq_order(quote, coId="off", price=pips(quote["offer"], 1)))
    filled = api.placed(token, api.pq_order(quote))
    assert _trades_of(api, token, filled["orderId"]) == []  # RECEIVED: nothing traded yet
    api.clock.advance(SETTLE_MS)
    assert api.order(token, rejected["orderId"])["status"] == "REJECTED"
    assert _trades_of(api, token, working["orderId"]) == []
    assert _trades_of(api, token, rejected["orderId"]) == []
    assert [t["orderId"] for t in _trades_of(api, token, filled["orderId"])] == [filled["orderId"]]


def test_looking_at_an_orders_trades_is_no_poll_of_the_order(api: Api, token: str) -> None:
    polled = {"X-Sandbox-Progression": "polls:2"}
    response = api.client.post(
        "/v2/orders", json=api.pq_order(api.spot(token)), headers={"SSO_TOKEN": token, **polled}
    )
    order_id = (response.json or {})["orderId"]
    api.clock.advance(SETTLE_MS)
    for _ in range(3):
        assert _trades_of(api, token, order_id) == []
    assert api.order(token, order_id)["status"] != "FILLED"  # read 1
    assert api.order(token, order_id)["status"] == "FILLED"  # read 2
    assert len(_trades_of(api, token, order_id)) == 1


def test_an_unknown_id_or_another_orgs_order_is_404_and_a_malformed_id_400(
    api: Api, token: str
) -> None:
    order_id = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    api.clock.advance(SETTLE_MS)
    other = api.token(TRADER_B)
    theirs = assert_error(api.get(f"/v2/orders/{order_id}/trades", other), 404, "NOT_FOUND")
    unknown = assert_error(api.get("/v2/orders/9999999999/trades", token), 404, "NOT_FOUND")
    # The same answer for both: no org learns which ids exist.
    assert theirs["errorMessage"].replace(order_id, "N").replace("orgB", "O") == unknown[
        "errorMessage"
    ].replace("9999999999", "N").replace("apiOrganizationId", "O")
    assert_error(api.get("/v2/orders/abc/trades", token), 400, "INVALID_REQUEST")
