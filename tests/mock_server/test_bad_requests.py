"""400s: malformed JSON, wrong types, missing fields, order-type rules and duplicate coIds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import TRADER_B, Api, assert_error, error_fields, pq_order

JSON = "application/json"
ORDER = pq_order(
    {"symbol": "EUR/USD", "offer": 1.1, "rateId": "2026-01-01-EURUSD-SPOT-0000000001"},
    coId="c-1",
)


def _without(*names: str) -> dict[str, Any]:
    return {k: v for k, v in ORDER.items() if k not in names}


@pytest.mark.parametrize(
    "raw", ["{not json", '{"coId": "c-1",', "", "[1, 2]", '"an order"', "null", "1e999999"]
)
def test_body_that_is_not_a_json_object_is_400(api: Api, raw: str) -> None:
    token = api.token()
    response = api.client.post(
        "/v2/orders", data=raw, content_type=JSON, headers={"SSO_TOKEN": token}
    )
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert error_fields(body) == {"body"}
    assert api.active(token) == []


@pytest.mark.parametrize(
    ("order", "fields"),
    [
        ({**ORDER, "size": "1000000"}, {"size"}),
        ({**ORDER, "coId": 5}, {"coId"}),
        ({**ORDER, "price": "1.1"}, {"price"}),
        ({**ORDER, "price": None}, {"price"}),
        ({**ORDER, "size": 0}, {"size"}),
        ({**ORDER, "size": -5}, {"size"}),
        ({**ORDER, "side": "Hold"}, {"side"}),
        ({**ORDER, "type": "Swap"}, {"type"}),
        ({**ORDER, "symbol": "EURUSD"}, {"symbol"}),
        ({**ORDER, "currency": "eur"}, {"currency"}),
        ({**ORDER, "coId": "x" * 256}, {"coId"}),
        ({**ORDER, "coId": ""}, {"coId"}),
        (_without("side", "symbol"), {"side", "symbol"}),
        (_without("coId", "size", "currency"), {"coId", "size", "currency"}),
        ({}, {"coId", "type", "side", "symbol", "size", "currency"}),
        (_without("rateId"), {"rateId"}),  # PQ without rateId
        (_without("price"), {"price"}),  # PQ without price
        ({**ORDER, "timeInForce": "IOC"}, {"timeInForce"}),  # PQ is FOK only
        (_without("timeInForce"), {"timeInForce"}),
        ({**_without("rateId"), "type": "Limit", "timeInForce": "GTT"}, {"expiryTime"}),
        ({**_without("rateId"), "type": "AtBest"}, {"valueDate"}),
        ({**ORDER, "symbol": "XXX/YYY"}, {"symbol"}),  # well formed, not a pair we price
        ({**ORDER, "clientOrderTime": "2024-10-24T15:30:00Z"}, {"clientOrderTime"}),
        ({**ORDER, "clientOrderTime": "2024-13-24 15:30:00,000 +0000"}, {"clientOrderTime"}),
        ({**ORDER, "currency": "JPY"}, {"currency"}),  # neither side of EUR/USD
    ],
)
def test_invalid_order_is_400_naming_the_fields_and_creates_nothing(
    api: Api, order: dict[str, Any], fields: set[str]
) -> None:
    token = api.token()
    body = assert_error(api.place(token, order), 400, "INVALID_REQUEST")
    assert fields <= error_fields(body)
    assert all(problem["message"] for problem in body["responseTuples"])
    assert api.active(token) == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v2/rates/spot", "symbol"),
        ("/v2/rates/spot?symbol=eurusd", "symbol"),
        ("/v2/rates/spot?symbol=EUR%2Fusd", "symbol"),
        ("/v2/orders/not-a-number", "id"),
        ("/v2/orders/12345678901234567890", "id"),
        ("/v2/orders?coId=" + "x" * 256, "coId"),
    ],
)
def test_invalid_parameter_is_400_naming_it(api: Api, path: str, field: str) -> None:
    body = assert_error(api.get(path, api.token()), 400, "INVALID_REQUEST")
    assert error_fields(body) == {field}


def test_duplicate_coid_is_400_and_creates_no_second_order(api: Api) -> None:
    token = api.token()
    quote = api.spot(token)
    first = api.placed(token, api.pq_order(quote, coId="once"))
    for retry in (api.pq_order(quote, coId="once"), api.pq_order(api.spot(token), coId="once")):
        body = assert_error(api.place(token, retry), 400, "DUPLICATE_COID")
        assert body["responseTuples"] == [{"field": "coId", "message": "already used"}]
    assert [o["orderId"] for o in api.active(token)] == [first["orderId"]]
    assert api.get("/v2/orders?coId=once", token).json == first
    later = api.placed(token, api.pq_order(quote, coId="twice"))
    assert int(later["orderId"]) == int(first["orderId"]) + 1  # no id was spent on the duplicate


def test_the_same_coid_in_another_org_is_not_a_duplicate(api: Api) -> None:
    mine, theirs = api.token(), api.token(TRADER_B)
    api.placed(mine, api.pq_order(api.spot(mine), coId="shared"))
    assert api.placed(theirs, api.pq_order(api.spot(theirs), coId="shared"))["org"] == "orgB"


def test_unknown_fields_are_ignored_and_not_echoed(api: Api) -> None:
    token = api.token()
    placed = api.placed(token, {**api.pq_order(api.spot(token)), "colour": "blue"})
    assert "colour" not in placed


def test_a_client_order_time_as_integral_writes_it_is_echoed(api: Api) -> None:
    token = api.token()
    sent = "2024-10-24 15:30:00,123 +0530"
    placed = api.placed(token, {**api.pq_order(api.spot(token)), "clientOrderTime": sent})
    assert placed["clientOrderTime"] == sent


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("9999-12-31 00:00:00,000 +0000", "9999-12-31 23:59:59,999 -1400", "endDate"),
        ("0001-01-01 00:00:00,000 +1400", "0001-01-01 23:59:59,999 +0000", "startDate"),
    ],
)
def test_a_resend_range_past_the_calendar_in_utc_is_a_400(
    api: Api, start: str, end: str, field: str
) -> None:
    """Each matches the pattern and is a real local time, but no UTC instant: was a 500."""
    token = api.token()
    response = api.client.post(
        "/v2/trades/stp/resend",
        json={"startDate": start, "endDate": end},
        headers={"SSO_TOKEN": token},
    )
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert error_fields(body) == {field}


def test_a_client_order_time_past_the_calendar_in_utc_is_a_400(api: Api) -> None:
    token = api.token()
    order = {**api.pq_order(api.spot(token)), "clientOrderTime": "9999-12-31 23:30:00,000 -0100"}
    body = assert_error(api.place(token, order), 400, "INVALID_REQUEST")
    assert error_fields(body) == {"clientOrderTime"}
    assert api.active(token) == []
