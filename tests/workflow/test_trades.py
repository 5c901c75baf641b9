"""Trade download (STP messages) and resend, over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import TRADER_B, Api, assert_error, error_fields
from tests.workflow.support import SETTLE_MS, new_order, pips

PUBLISHED_FIELDS = {
    "orderId", "tradeId", "coId", "event", "tradeType", "tradeDate", "valueDate", "maker",
    "side", "status", "symbol", "currency", "rateId", "customerAccount", "customerOrg", "user",
    "counterparty", "channel", "executionTime", "dealtAmount", "counterpartyLongName",
}  # fmt: skip
DAY = {"startDate": "2026-01-01 00:00:00,000 +0000", "endDate": "2026-01-01 23:59:59,999 +0000"}


def _download(api: Api, token: str, max_count: int | None = None) -> list[dict[str, Any]]:
    query = "" if max_count is None else f"?maxCount={max_count}"
    response = api.get(f"/v2/trades/stp/messages{query}", token)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def _resend(client: FlaskClient, token: str, body: dict[str, Any]) -> TestResponse:
    return client.post("/v2/trades/stp/resend", json=body, headers={"SSO_TOKEN": token})


def _stamp(epoch_ms: int) -> str:
    """`yyyy-MM-dd HH:mm:ss,SSS Z` in UTC."""
    moment = dt.datetime.fromtimestamp(epoch_ms // 1000, dt.UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S},{epoch_ms % 1000:03d} +0000"


def _filled(api: Api, token: str, count: int, gap_ms: int = SETTLE_MS) -> list[dict[str, Any]]:
    """`count` PQ orders, each worked to FILLED before the next; the final orders."""
    ids = [api.placed(token, api.pq_order(api.spot(token)))["orderId"]]
    for _ in range(count - 1):
        api.clock.advance(gap_ms)
        ids.append(api.placed(token, api.pq_order(api.spot(token)))["orderId"])
    api.clock.advance(SETTLE_MS)
    orders = [api.order(token, order_id) for order_id in ids]
    assert {o["status"] for o in orders} == {"FILLED"}
    return orders


def test_each_trade_is_downloaded_once_oldest_first_in_batches(api: Api, token: str) -> None:
    orders = _filled(api, token, 3)
    quote = api.spot(token)
    api.placed(token, api.pq_order(quote, coId="rejected", price=pips(quote["offer"], 1)))
    api.placed(token, new_order("Limit", "IOC", price=pips(quote["offer"], -50)))
    api.clock.advance(SETTLE_MS)
    batches = [_download(api, token, 2) for _ in range(3)]
    assert [len(b) for b in batches] == [2, 1, 0]
    trades = batches[0] + batches[1]
    assert [t["orderId"] for t in trades] == [o["orderId"] for o in orders]
    assert {t["event"] for t in trades} == {"NEW"}
    assert _download(api, token) == []


def test_a_trade_carries_the_published_fields_of_its_order(api: Api, token: str) -> None:
    [order] = _filled(api, token, 1)
    [trade] = _download(api, token)
    assert PUBLISHED_FIELDS <= set(trade)
    assert trade == {
        "orderId": order["orderId"],
        "tradeId": f"FXI{order['orderId']}",
        "coId": order["coId"],
        "event": "NEW",
        "tradeType": "Spot",
        "tradeDate": order["tradeDate"],
        "valueDate": order["valueDate"],
        "maker": False,
        "side": "Buy",
        "status": "Verified",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "rateId": order["rateId"],
        "customerAccount": "apiOrganizationId",
        "customerOrg": "apiOrganizationId",
        "user": "apiUserId@apiOrganizationId",
        "counterparty": order["counterParty"],
        "counterpartyLongName": order["counterParty"],
        "channel": "API/REST/ESP",
        "executionTime": _stamp(order["transactTime"]),
        "dealtAmount": order["cumQty"],
        "rate": order["averagePrice"],
        "settledAmount": order["settlCurrAmt"],
    }


def test_a_trade_appears_once_its_order_is_final_with_what_it_filled(
    api: Api, client: FlaskClient, token: str
) -> None:
    offer = api.spot(token)["offer"]
    big = api.placed(token, new_order("Limit", "GTC", size=40_000_000, price=pips(offer, 50)))
    api.clock.advance(3 * SETTLE_MS)
    assert api.order(token, big["orderId"])["status"] == "PARTIALLY_FILLED"
    assert _download(api, token) == []
    client.delete(f"/v2/orders/{big['orderId']}", headers={"SSO_TOKEN": token})
    order = api.order(token, big["orderId"])
    [trade] = _download(api, token)
    assert trade["orderId"] == order["orderId"]
    assert trade["dealtAmount"] == order["cumQty"] < 40_000_000


def test_the_default_batch_is_fifty(api: Api, token: str) -> None:
    quote = api.spot(token)
    for _ in range(51):
        api.placed(token, new_order("Market", "IOC", price=quote["offer"]))
    api.clock.advance(SETTLE_MS)
    assert [len(_download(api, token)) for _ in range(3)] == [50, 1, 0]


@pytest.mark.parametrize("max_count", [0, 1001, "ten"])
def test_max_count_out_of_range_is_a_bad_request(api: Api, token: str, max_count: object) -> None:
    response = api.get(f"/v2/trades/stp/messages?maxCount={max_count}", token)
    assert error_fields(assert_error(response, 400, "INVALID_REQUEST")) == {"maxCount"}


def test_resend_marks_downloaded_trades_of_the_dates_in_range_as_resend(
    api: Api, client: FlaskClient, token: str
) -> None:
    orders = _filled(api, token, 2, gap_ms=60_000)
    originals = _download(api, token)
    # Any instant of the day covers the day's trades: the range is read as trade dates.
    second = orders[1]["transactTime"]
    response = _resend(client, token, {"startDate": _stamp(second), "endDate": _stamp(second)})
    assert response.status_code == 200
    assert response.json == {"status": "OK", "errorCode": None, "responseTuples": None, "resent": 2}
    resent = _download(api, token)
    assert resent == [{**t, "event": "RESEND"} for t in originals]
    assert _download(api, token) == []


def test_resend_skips_trades_never_downloaded(api: Api, client: FlaskClient, token: str) -> None:
    [first] = _filled(api, token, 1)
    [downloaded] = _download(api, token)
    _filled(api, token, 1)  # filled, not downloaded yet
    assert _resend(client, token, DAY).json["resent"] == 1
    fresh, again = _download(api, token)
    assert (fresh["event"], again["event"]) == ("NEW", "RESEND")
    assert again == {**downloaded, "event": "RESEND"}
    assert fresh["orderId"] != first["orderId"]


def test_a_trade_queued_twice_comes_back_once(api: Api, client: FlaskClient, token: str) -> None:
    _filled(api, token, 1)
    _download(api, token)
    assert [_resend(client, token, DAY).json["resent"] for _ in range(2)] == [1, 1]
    assert [t["event"] for t in _download(api, token)] == ["RESEND"]


def test_resend_of_a_range_without_trades_is_404(api: Api, client: FlaskClient, token: str) -> None:
    assert_error(_resend(client, token, DAY), 404, "NO_TRADES")
    _filled(api, token, 1)
    assert_error(_resend(client, token, DAY), 404, "NO_TRADES")  # not downloaded yet
    _download(api, token)
    yesterday = {
        "startDate": "2025-12-31 00:00:00,000 +0000",
        "endDate": "2025-12-31 23:59:59,999 +0000",
    }
    assert_error(_resend(client, token, yesterday), 404, "NO_TRADES")
    # 00:30 on 2 January in UTC+01:00 is 23:30 UTC on 1 January: the trade's date.
    start = end = "2026-01-02 00:30:00,000 +0100"
    assert _resend(client, token, {"startDate": start, "endDate": end}).json["resent"] == 1
    assert _resend(client, token, DAY).json["resent"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DAY, "startDate": "2026-01-01"}, "startDate"),
        ({**DAY, "endDate": "2026-01-01T23:59:59.999Z"}, "endDate"),
        ({**DAY, "startDate": "2026-13-01 00:00:00,000 +0000"}, "startDate"),
        ({**DAY, "endDate": "2026-01-01 24:00:00,000 +0000"}, "endDate"),
        ({"startDate": DAY["startDate"]}, "endDate"),
        ({**DAY, "startDate": 1767225600000}, "startDate"),
    ],
)
def test_resend_with_malformed_dates_is_a_bad_request(
    api: Api, client: FlaskClient, token: str, body: dict[str, Any], field: str
) -> None:
    _filled(api, token, 1)
    response = _resend(client, token, body)
    assert error_fields(assert_error(response, 400, "INVALID_REQUEST")) == {field}


def test_an_org_never_sees_another_orgs_trades(api: Api, client: FlaskClient, token: str) -> None:
    ours = _filled(api, token, 2)
    token_b = api.token(TRADER_B)
    assert _download(api, token_b) == []
    assert_error(_resend(client, token_b, DAY), 404, "NO_TRADES")
    [theirs] = _filled(api, token_b, 1)
    assert [t["orderId"] for t in _download(api, token_b)] == [theirs["orderId"]]
    mine = _download(api, token)
    assert [t["orderId"] for t in mine] == [o["orderId"] for o in ours]
    assert {t["customerOrg"] for t in mine} == {"apiOrganizationId"}
