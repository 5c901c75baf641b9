"""Slips a real client makes that must not cost it its state: each answers an error object
and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.config import Config
from tests.helpers import Api, assert_error, resting_order


def _resting(api: Api, token: str, co_id: str) -> str:
    """A GTC buy far under the market: it rests NEW for as long as a test looks."""
    return str(api.placed(token, resting_order(co_id))["orderId"])


def test_cancel_all_with_a_coid_query_cancels_nothing_and_says_why(api: Api) -> None:
    """`DELETE /v2/orders?coId=X`, the lookup's form put on cancel: the query was ignored
    and every active order of the org was cancelled, the ones the client meant to keep too."""
    token = api.token()
    keep, meant = _resting(api, token, "keep-me"), _resting(api, token, "cancel-me")
    response = api.client.delete("/v2/orders?coId=cancel-me", headers={"SSO_TOKEN": token})
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [
        {"field": "coId", "message": "is not a parameter of cancel-all"}
    ]
    assert "DELETE /v2/orders/{orderId}" in body["errorMessage"]
    assert {o["orderId"] for o in api.active(token)} == {keep, meant}
    # Without a query it still cancels them all.
    assert api.client.delete("/v2/orders", headers={"SSO_TOKEN": token}).status_code == 202
    assert api.active(token) == []


def test_a_token_replaced_by_its_renewal_says_so(api: Api, config: Config) -> None:
    """A second thread of the client still holding the expired token it renewed was told
    "The SSO_TOKEN is not one this server issued", which sends one looking for a bug in how
    the token is sent rather than for the renewed one."""
    token = api.token()
    api.clock.advance(config.token_lifetime_ms)
    renewed = api.get("/v2/sso/token/renew", token)
    assert (renewed.status_code, renewed.json["expired"]) == (200, True)
    body = assert_error(api.get("/v2/rates/spot?symbol=EUR%2FUSD", token), 401, "TOKEN_INVALID")
    assert "replaced when it was renewed" in body["errorMessage"]
    never = assert_error(api.get("/v2/rates/spot?symbol=EUR%2FUSD", "x" * 43), 401, "TOKEN_INVALID")
    assert "not one this server issued" in never["errorMessage"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"size": True}, "size", "true is not of type 'number'"),
        ({"side": None}, "side", "null is not one of ['Buy', 'Sell']"),
        ({"price": False}, "price", "false is not of type 'number'"),
    ],
)
def test_a_wrong_json_literal_is_quoted_as_json(
    api: Api, changes: dict[str, Any], field: str, message: str
) -> None:
    """The 400 said `True is not of type 'number'`: Python's words for what the client
    wrote as `true`."""
    token = api.token()
    order = api.pq_order(api.spot(token), **changes)
    body = assert_error(api.place(token, order), 400, "INVALID_REQUEST")
    assert {"field": field, "message": message} in body["responseTuples"]
    assert api.active(token) == []


def test_a_null_body_is_quoted_as_json(api: Api) -> None:
    response = api.client.post(
        "/v2/orders",
        data="null",
        content_type="application/json",
        headers={"SSO_TOKEN": api.token()},
    )
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["errorMessage"] == "body: null is not of type 'object'"
