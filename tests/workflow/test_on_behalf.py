"""Orders placed on behalf of another org (`org` in the body), over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.config import Config, User
from tests.helpers import TRADER_B, VIEWER, Api, assert_error
from tests.workflow.support import SETTLE_MS, Market, new_order

# Integral's published AtBest example, as it stands.
PUBLISHED_ATBEST = {
    "coId": "1685730661",
    "type": "AtBest",
    "side": "Buy",
    "symbol": "USD/INR",
    "currency": "USD",
    "size": 1000000,
    "priceType": "NDF",
    "timeInForce": "FOK",
    "org": "CustomerOrg",
    "valueDate": "2023-06-15",
}
AGENT_B = {"user": "agentB", "pass": "agentB-pass", "org": "orgB"}


@pytest.fixture
def config() -> Config:
    """The shipped config plus agentB, an orgB user allowed to act for CustomerOrg."""
    base = Config.default(validate_responses=True)
    agent = User("agentB", "agentB-pass", "orgB", on_behalf_of=("CustomerOrg",))
    return base.replace(users=(*base.users, agent))


def _trades(api: Api, token: str) -> list[dict[str, Any]]:
    response = api.get("/v2/trades/stp/messages", token)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def test_the_published_atbest_example_works_as_published(
    api: Api, token: str, market: Market
) -> None:
    placed = api.placed(token, PUBLISHED_ATBEST)
    assert placed["org"] == "CustomerOrg"
    assert placed["userFullName"] == "apiUserId@apiOrganizationId"
    api.clock.advance(SETTLE_MS)
    order = api.order(token, placed["orderId"])
    assert order["status"] == "FILLED"
    assert (order["priceType"], order["valueDate"]) == ("NDF", "2023-06-15")
    assert order["averagePrice"] == market.quote(order["transactTime"], "USD%2FINR")["offer"]
    [trade] = _trades(api, token)
    assert (trade["customerOrg"], trade["customerAccount"]) == ("CustomerOrg", "CustomerOrg")
    assert trade["user"] == "apiUserId@apiOrganizationId"
    # An NDF's trade says so, with its fixing: two weekdays before a value date that is
    # not the spot date (the example's is long past).
    assert (trade["tradeType"], trade["fixingDate"], trade["fixingTenor"]) == (
        "NDF",
        "2023-06-13",
        "BROKEN",
    )


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        # Thursday 2026-01-01: spot is Monday the 5th, fixed two weekdays before, on the 1st.
        ({"valueDate": "2026-01-05"}, {"tradeType": "NDF", "fixingDate": "2026-01-01"}),
        ({"valueDate": "2026-01-09", "priceType": None}, {"tradeType": "Outright"}),
        ({"valueDate": "2026-01-05", "priceType": None}, {"tradeType": "Spot"}),
    ],
)
def test_a_trade_is_named_by_its_price_type_and_value_date(
    api: Api, token: str, fields: dict[str, Any], kind: dict[str, str]
) -> None:
    order = {**PUBLISHED_ATBEST, "coId": f"kind-{fields}", **fields}
    api.placed(token, {k: v for k, v in order.items() if v is not None})
    api.clock.advance(SETTLE_MS)
    [trade] = _trades(api, token)
    assert {k: trade.get(k) for k in kind} == kind
    assert ("fixingTenor" in trade) == (kind["tradeType"] == "NDF")
    if "fixingDate" in kind:
        assert trade["fixingTenor"] == "SPOT"


def test_an_on_behalf_order_carries_its_account_into_the_trade(api: Api, token: str) -> None:
    order = {**PUBLISHED_ATBEST, "coId": "with-account", "account": "CustomerOrg-Fund7"}
    placed = api.placed(token, order)
    assert placed["account"] == "CustomerOrg-Fund7"
    api.clock.advance(SETTLE_MS)
    [trade] = _trades(api, token)
    assert (trade["customerOrg"], trade["customerAccount"]) == ("CustomerOrg", "CustomerOrg-Fund7")


@pytest.mark.parametrize(
    ("login", "org"),
    [(TRADER_B, "CustomerOrg"), (None, "orgB"), (AGENT_B, "apiOrganizationId")],
    ids=["traderB-for-CustomerOrg", "apiUserId-for-orgB", "agentB-for-apiOrganizationId"],
)
def test_acting_for_an_org_the_config_does_not_allow_is_403_and_creates_nothing(
    api: Api, login: dict[str, str] | None, org: str
) -> None:
    token = api.token(login)
    order = {**PUBLISHED_ATBEST, "org": org}
    body = assert_error(api.place(token, order), 403, "FORBIDDEN")
    assert org in body["errorMessage"]
    assert api.get(f"/v2/orders?coId={order['coId']}", token).status_code == 404


def test_a_user_granted_the_org_in_the_config_may_act_for_it(api: Api) -> None:
    token = api.token(AGENT_B)
    placed = api.placed(token, {**PUBLISHED_ATBEST, "coId": "agent-1"})
    assert (placed["org"], placed["userFullName"]) == ("CustomerOrg", "agentB@orgB")


def test_naming_ones_own_org_needs_no_grant(api: Api) -> None:
    token = api.token(TRADER_B)
    quote = api.spot(token)
    placed = api.placed(token, new_order("Market", "IOC", price=quote["offer"], org="orgB"))
    assert placed["org"] == "orgB"


def test_a_viewer_may_not_trade_on_behalf_either(api: Api) -> None:
    assert_error(api.place(api.token(VIEWER), PUBLISHED_ATBEST), 403, "FORBIDDEN")


def test_an_on_behalf_order_belongs_to_the_placing_org(api: Api, token: str) -> None:
    rest = new_order("Limit", "GTC", price=50.0, symbol="USD/INR", currency="USD")
    placed = api.placed(token, {**rest, "org": "CustomerOrg"})
    assert [o["orderId"] for o in api.active(token)] == [placed["orderId"]]
    token_b = api.token(AGENT_B)  # acts for CustomerOrg, but did not place it
    assert api.get(f"/v2/orders/{placed['orderId']}", token_b).status_code == 404
    assert api.active(token_b) == []
