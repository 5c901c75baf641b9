"""Values JSON does not allow (NaN, infinities, huge integers, lone surrogates, a body not an
object) and value dates no venue can settle: a 400 error object that stores nothing."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.helpers import EXAMPLE_LOGIN, Api, assert_error
from tests.mock_server.hostile_support import (  # noqa: F401 - with the `token` fixture
    LIMIT,
    ORDER_FIELDS,
    org_reads_all_answer,
    post_raw,
    trader_token,
    with_raw,
)

NON_NUMBERS = ("NaN", "Infinity", "-Infinity")
SURROGATE = '"\\ud800"'  # a JSON escape Python decodes to a lone surrogate


@pytest.mark.parametrize("raw", NON_NUMBERS)
@pytest.mark.parametrize("field", ["price", "size", "expiryTime"])
def test_nan_and_infinities_are_refused_and_store_nothing(
    api: Api, client: FlaskClient, token: str, field: str, raw: str
) -> None:
    response = post_raw(client, "/v2/orders", with_raw(LIMIT, field, raw), token)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [{"field": "body", "message": f"{raw} is not a JSON number"}]
    assert_error(api.get("/v2/orders?coId=hostile-1", token), 404, "NOT_FOUND")
    org_reads_all_answer(api, client, token)


def test_an_integer_too_long_for_python_is_refused_in_words_that_say_so(
    api: Api, client: FlaskClient, token: str
) -> None:
    """Valid UTF-8 JSON all the same: "not UTF-8 JSON" would send the client looking elsewhere."""
    response = post_raw(client, "/v2/orders", with_raw(LIMIT, "size", "1" * 5000), token)
    body = assert_error(response, 400, "INVALID_REQUEST")
    message = "a number of more than 4300 digits, which no field of this API takes"
    assert body["responseTuples"] == [{"field": "body", "message": message}]
    assert_error(api.get("/v2/orders?coId=hostile-1", token), 404, "NOT_FOUND")


@pytest.mark.parametrize("text", ["[]", '"order"', "42", "null", "[" + json.dumps(LIMIT) + "]"])
def test_a_body_that_is_not_an_object_says_only_that(
    client: FlaskClient, token: str, text: str
) -> None:
    """Not the oneOf's "valid under each of" with the whole order schema quoted after it."""
    body = assert_error(post_raw(client, "/v2/orders", text, token), 400, "INVALID_REQUEST")
    assert [t["field"] for t in body["responseTuples"]] == ["body"], body
    assert body["responseTuples"][0]["message"].endswith("is not of type 'object'"), body
    assert "valid under each" not in body["errorMessage"], body


@pytest.mark.parametrize("field", ORDER_FIELDS)
@pytest.mark.parametrize("raw", [*NON_NUMBERS, SURROGATE, "1" * 5000, '"' + "9" * 5000 + '"'])
def test_no_value_in_any_order_field_makes_a_later_read_fail(
    api: Api, client: FlaskClient, token: str, field: str, raw: str
) -> None:
    response = post_raw(client, "/v2/orders", with_raw(LIMIT, field, raw), token)
    assert response.status_code in (202, 400), response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    if response.status_code == 202:
        order_id = response.json["orderId"]
        assert api.get(f"/v2/orders/{order_id}", token).status_code == 200
        assert api.get("/v2/orders?coId=hostile-1", token).status_code in (200, 404)
    org_reads_all_answer(api, client, token)


@pytest.mark.parametrize("field", ["user", "pass", "org"])
def test_a_lone_surrogate_in_a_login_is_a_400(client: FlaskClient, field: str) -> None:
    response = post_raw(client, "/v2/sso/login", with_raw(EXAMPLE_LOGIN, field, SURROGATE))
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert "surrogate" in body["errorMessage"]


def test_a_lone_surrogate_in_a_coid_is_a_400(api: Api, client: FlaskClient, token: str) -> None:
    response = post_raw(client, "/v2/orders", with_raw(LIMIT, "coId", SURROGATE), token)
    assert_error(response, 400, "INVALID_REQUEST")
    org_reads_all_answer(api, client, token)


def test_the_admin_api_refuses_odd_text_and_non_numbers(client: FlaskClient) -> None:
    assert_error(post_raw(client, "/__admin/reset", '{"org": "\\ud800"}'), 400, "INVALID_REQUEST")
    rule = '{"path": "/v2/orders", "fault": "500", "probability": NaN}'
    assert_error(post_raw(client, "/__admin/faults", rule), 400, "INVALID_REQUEST")
    assert client.get("/__admin/faults").json == []


@pytest.mark.parametrize("digits", [13, 5000])
def test_a_latency_header_of_many_digits_is_a_400_error_object(
    api: Api, token: str, digits: int
) -> None:
    headers = {"X-Sandbox-Latency-Ms": "1" * digits}
    response = api.get("/v2/rates/spot?symbol=EUR%2FUSD", token, headers=headers)
    assert_error(response, 400, "INVALID_REQUEST")


NDF_AT_BEST = {
    "coId": "ndf-1",
    "type": "AtBest",
    "timeInForce": "FOK",
    "side": "Buy",
    "symbol": "USD/INR",
    "currency": "USD",
    "size": 1000000,
    "priceType": "NDF",
}
NDF_BOOKING = {
    "type": "NDF",
    "channel": "1",
    "clientRequestId": "ndf-booking-1",
    "counterparty": "BrokerOrg",
    "counterpartyAccount": "BrokerOrgLE",
    "customerAccount": "CustOrg1le1",
    "customerOrg": "CustOrg1",
    "dealtAmount": 2000000,
    "dealtIns": "USD",
    "rate": 83.1,
    "side": "BUY",
    "symbol": "USD/INR",
}


@pytest.mark.parametrize("value_date", ["0001-01-01", "0001-01-02", "1899-12-31", "9001-01-01"])
def test_a_value_date_the_venue_cannot_settle_is_a_400_that_stores_nothing(
    api: Api, client: FlaskClient, token: str, value_date: str
) -> None:
    """An NDF filled for 0001-01-01 had no fixing date two weekdays back: every later read of
    the org's trades and positions was a 500, until a reset."""
    placed = client.post(
        "/v2/orders", json={**NDF_AT_BEST, "valueDate": value_date}, headers={"SSO_TOKEN": token}
    )
    assert assert_error(placed, 400, "INVALID_REQUEST")["responseTuples"][0]["field"] == "valueDate"
    dates = {"tradeDate": value_date, "valueDate": value_date}
    booked = client.post("/v2/trades", json={**NDF_BOOKING, **dates}, headers={"SSO_TOKEN": token})
    assert_error(booked, 400, "INVALID_REQUEST")
    api.clock.advance(5000)
    org_reads_all_answer(api, client, token)
    assert api.get("/v2/positions", token).status_code == 200
