"""Positions (GET /v2/positions): net amounts from the org's fills, P&L marked to the market."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import TRADER_B, Api, assert_error, error_fields
from tests.workflow.support import SETTLE_MS, new_order

FILLED = {"X-Sandbox-Outcome": "FILLED"}  # a forced fill is at the order's own price


def _fill_at(api: Api, token: str, side: str, price: float, size: int = 1_000_000) -> None:
    """A Limit order that fills whole at `price` (forced, so the price is exact)."""
    order = new_order("Limit", "GTC", side=side, price=price, size=size)
    response = api.client.post("/v2/orders", json=order, headers={"SSO_TOKEN": token, **FILLED})
    assert response.status_code == 202, response.json
    api.clock.advance(SETTLE_MS)
    assert api.order(token, response.json["orderId"])["status"] == "FILLED"


def _positions(api: Api, token: str, query: str = "") -> list[dict[str, Any]]:
    response = api.get(f"/v2/positions{query}", token)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def _pnl_agrees(position: dict[str, Any]) -> None:
    """Realized plus unrealized P&L is what closing now at `rate` would leave in cash."""
    total = Decimal(str(position["netOpenBase"])) * Decimal(str(position["rate"]))
    total += Decimal(str(position["netOpenterm"]))
    booked = Decimal(str(position["realizedPnL"])) + Decimal(str(position["unrealizedPnL"]))
    assert abs(total - booked) <= Decimal("0.02"), position


def test_an_org_without_trades_has_no_positions(api: Api, token: str) -> None:
    assert _positions(api, token) == []


def test_a_buy_opens_a_position_of_its_net_amounts(api: Api, token: str) -> None:
    _fill_at(api, token, "Buy", 1.1)
    [position] = _positions(api, token)
    assert {k: position[k] for k in ("side", "symbol", "level", "levelValue", "pnlCurrency")} == {
        "side": "Buy",
        "symbol": "EUR/USD",
        "level": "org",
        "levelValue": "apiOrganizationId",
        "pnlCurrency": "USD",
    }
    assert (position["netOpenBase"], position["netOpenterm"]) == (1_000_000, -1_100_000)
    assert position["realizedPnL"] == 0
    mark = Decimal(str(position["rate"]))
    assert Decimal(str(position["unrealizedPnL"])) == ((mark - Decimal("1.1")) * 1_000_000)
    _pnl_agrees(position)


def test_selling_it_again_closes_it_and_realizes_the_pnl(api: Api, token: str) -> None:
    _fill_at(api, token, "Buy", 1.1)
    _fill_at(api, token, "Sell", 1.2)
    [position] = _positions(api, token)
    assert (position["netOpenBase"], position["netOpenterm"]) == (0, 100_000)
    assert (position["realizedPnL"], position["unrealizedPnL"]) == (100_000, 0)
    assert position["side"] == "Buy"  # a closed position keeps the side it opened with


def test_a_partial_close_realizes_its_part_on_average_cost(api: Api, token: str) -> None:
    _fill_at(api, token, "Buy", 1.1)
    _fill_at(api, token, "Buy", 1.2)  # 2,000,000 at an average of 1.15
    _fill_at(api, token, "Sell", 1.25, size=500_000)
    [position] = _positions(api, token)
    assert position["netOpenBase"] == 1_500_000
    assert position["realizedPnL"] == 50_000  # 500,000 × (1.25 − 1.15)
    _pnl_agrees(position)


def test_a_position_follows_the_market_at_the_clock(api: Api, token: str) -> None:
    _fill_at(api, token, "Sell", 1.0)
    before = _positions(api, token)[0]
    api.clock.advance(3_600_000)
    after = _positions(api, api.token())[0]
    assert before["rate"] != after["rate"]
    assert before["unrealizedPnL"] != after["unrealizedPnL"]
    assert after["side"] == "Sell"
    _pnl_agrees(after)


def test_levels_break_positions_down_and_filter_by_value(api: Api, token: str) -> None:
    _fill_at(api, token, "Buy", 1.1)
    [org] = _positions(api, token)
    [entity] = org["children"]
    [user] = entity["children"]
    assert [(p["level"], p["levelValue"]) for p in (org, entity, user)] == [
        ("org", "apiOrganizationId"),
        ("legalEntity", "apiOrganizationId"),
        ("user", "apiUserId@apiOrganizationId"),
    ]
    assert user["children"] == []
    assert _positions(api, token, "?level=user") == [user]
    assert _positions(api, token, "?level=user&value=apiUserId%40apiOrganizationId") == [user]
    assert _positions(api, token, "?value=pfOrg") == []
    assert _positions(api, token, "?symbol=USD%2FJPY") == []
    assert _positions(api, token, "?symbol=EUR%2FUSD&level=org") == [org]


def test_another_orgs_fills_are_not_in_the_positions(api: Api, token: str) -> None:
    _fill_at(api, token, "Buy", 1.1)
    assert _positions(api, api.token(TRADER_B)) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("?level=desk", "level"), ("?symbol=EURUSD", "symbol"), ("?value=", "value")],
)
def test_a_bad_parameter_is_a_bad_request(api: Api, token: str, query: str, field: str) -> None:
    response = api.get(f"/v2/positions{query}", token)
    assert error_fields(assert_error(response, 400, "INVALID_REQUEST")) == {field}


def test_positions_need_a_token(api: Api) -> None:
    assert_error(api.client.get("/v2/positions"), 401, "TOKEN_MISSING")


def test_a_net_of_less_than_a_cent_is_shown_as_it_is_so_its_pnl_agrees(
    api: Api, token: str
) -> None:
    """USD/JPY: 0.004 USD left open is 0.6 JPY at the rate; a net shown as 0 would hide it."""
    for side, size in (("Buy", 1_000_000.004), ("Sell", 1_000_000)):
        order = new_order("Limit", "GTC", side=side, price=150.0, size=size)
        order.update(symbol="USD/JPY", currency="USD")
        response = api.client.post("/v2/orders", json=order, headers={"SSO_TOKEN": token, **FILLED})
        assert response.status_code == 202, response.json
    api.clock.advance(SETTLE_MS)
    (position,) = _positions(api, token, "?symbol=USD%2FJPY")
    assert position["netOpenBase"] == pytest.approx(0.004)
    _pnl_agrees(position)
