"""Slips a real client makes that must not cost it its state: each answers an error object
and changes nothing."""

from __future__ import annotations

from tests.helpers import Api, assert_error


def _resting(api: Api, token: str, co_id: str) -> str:
    """A GTC buy far under the market: it rests NEW for as long as a test looks."""
    order = {
        "coId": co_id,
        "type": "Limit",
        "timeInForce": "GTC",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1000,
        "price": 0.5,
    }
    return str(api.placed(token, order)["orderId"])


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
