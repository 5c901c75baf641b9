"""Orders decided at once (Limit IOC/FOK, Market, AtBest) and unsimulated types, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api
from tests.workflow.support import Market, assert_forward, dec, new_order, pips, settled

TOUCH = {"Buy": "offer", "Sell": "bid"}


def _worked(api: Api, token: str, order: dict[str, Any]) -> dict[str, Any]:
    placed = api.placed(token, order)
    return settled(api, token, placed["orderId"])


def _assert_filled_at_touch(order: dict[str, Any], market: Market, size: float) -> None:
    """FILLED in one fill of `size`, at the touch the order's side hits when it was worked."""
    assert order["status"] == "FILLED"
    assert (order["cumQty"], order["leavesQty"], order["lastQty"]) == (size, 0, size)
    touch = market.quote(order["transactTime"])[TOUCH[order["side"]]]
    assert order["averagePrice"] == order["lastPrice"] == touch
    assert order["execId"] == f"FXI{order['orderId']}"
    assert order["executionType"] == "TRADE"
    assert "reason" not in order


@pytest.mark.parametrize(("side", "tif"), [("Buy", "IOC"), ("Sell", "IOC"), ("Buy", "FOK")])
def test_marketable_limit_fills_at_the_touch_at_or_better_than_its_limit(
    api: Api, token: str, market: Market, side: str, tif: str
) -> None:
    quote = api.spot(token)
    limit = pips(quote["offer"], 5) if side == "Buy" else pips(quote["bid"], -5)
    order = _worked(api, token, new_order("Limit", tif, side=side, price=limit))
    _assert_filled_at_touch(order, market, 1_000_000)
    better = order["averagePrice"] <= limit if side == "Buy" else order["averagePrice"] >= limit
    assert better, (order["averagePrice"], limit)


@pytest.mark.parametrize(("side", "tif"), [("Buy", "IOC"), ("Sell", "IOC"), ("Sell", "FOK")])
def test_limit_the_market_does_not_reach_expires_unfilled_with_a_reason(
    api: Api, token: str, side: str, tif: str
) -> None:
    quote = api.spot(token)
    limit = pips(quote["offer"], -50) if side == "Buy" else pips(quote["bid"], 50)
    order = _worked(api, token, new_order("Limit", tif, side=side, price=limit))
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("NO_MATCH: ")
    assert not {"cumQty", "averagePrice", "transactTime"} & set(order)


def test_fok_over_the_quoted_size_expires_with_nothing_filled(api: Api, token: str) -> None:
    # Quoted sizes never exceed 10M, so a 20M FOK cannot be filled whole at any price.
    quote = api.spot(token)
    fok = new_order("Limit", "FOK", size=20_000_000, price=pips(quote["offer"], 100))
    order = _worked(api, token, fok)
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("NO_MATCH: ")
    assert "cumQty" not in order


def test_ioc_over_the_quoted_size_fills_what_is_quoted_and_expires_the_rest(
    api: Api, token: str, market: Market
) -> None:
    quote = api.spot(token)
    ioc = new_order("Limit", "IOC", size=20_000_000, price=pips(quote["offer"], 100))
    order = _worked(api, token, ioc)
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("IOC_REMAINDER: ")
    at_fill = market.quote(order["transactTime"])
    assert 0 < order["cumQty"] == at_fill["offerLimit"] < 20_000_000
    assert order["cumQty"] + order["leavesQty"] == 20_000_000
    assert order["averagePrice"] == order["lastPrice"] == at_fill["offer"]


def test_ioc_in_the_term_currency_hits_the_bid_and_settles_in_the_base(
    api: Api, token: str, market: Market
) -> None:
    quote = api.spot(token)
    ioc = new_order("Limit", "IOC", currency="USD", price=pips(quote["bid"], -10))
    order = _worked(api, token, ioc)
    assert order["status"] == "FILLED"
    assert order["averagePrice"] == market.quote(order["transactTime"])["bid"]
    assert order["cumQty"] == 1_000_000
    euros = dec(1_000_000) / dec(order["averagePrice"])
    assert order["settlCurrAmt"] == float(round(euros, 2))


@pytest.mark.parametrize("side", ["Buy", "Sell"])
@pytest.mark.parametrize("kind", ["Market", "AtBest"])
def test_market_and_atbest_fill_at_the_touch(
    api: Api, token: str, market: Market, side: str, kind: str
) -> None:
    quote = api.spot(token)
    if kind == "Market":
        placed = new_order("Market", "IOC", side=side, price=quote[TOUCH[side]])
    else:
        placed = new_order("AtBest", "FOK", side=side, valueDate="2026-01-06")
    order = _worked(api, token, placed)
    _assert_filled_at_touch(order, market, 1_000_000)
    # AtBest settles on its own valueDate; Market on spot, T+2 weekdays from Thursday 1 January.
    assert order["valueDate"] == ("2026-01-06" if kind == "AtBest" else "2026-01-05")


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("StopLimit", {}),
        ("Pegged", {"price": 1.05}),
        ("Algo", {"timeInForce": "GTC", "targetStrategy": "TWAP"}),
    ],
)
def test_unsimulated_types_are_accepted_then_rejected(
    api: Api, token: str, kind: str, extra: dict[str, Any]
) -> None:
    placed = api.placed(token, new_order(kind, **extra))
    order = settled(api, token, placed["orderId"])
    assert order["status"] == "REJECTED"
    assert order["reason"] == f"NOT_SIMULATED: {placed['type']} orders are not simulated"
    assert "cumQty" not in order


def test_statuses_never_move_backwards_for_any_type(api: Api, token: str) -> None:
    quote = api.spot(token)
    offer, bid = quote["offer"], quote["bid"]
    orders = [
        new_order("Limit", "IOC", price=pips(offer, 5)),
        new_order("Limit", "IOC", size=20_000_000, price=pips(offer, 5)),
        new_order("Limit", "FOK", price=pips(offer, -50)),
        new_order("Market", "IOC", price=offer),
        new_order("AtBest", "FOK", side="Sell", valueDate="2026-01-06"),
        new_order("Limit", "GTC", size=12_000_000, price=pips(offer, 50)),
        new_order("Limit", "GTT", price=pips(offer, -50), expiryTime=2),
        new_order("Stop", "GTC", side="Sell", price=bid, stopPrice=bid, execFlags=["BidTrigger"]),
        new_order("Pegged"),
    ]
    ids = [api.placed(token, order)["orderId"] for order in orders]
    seen: dict[str, list[str]] = {order_id: ["RECEIVED"] for order_id in ids}
    for _ in range(60):
        api.clock.advance(250)
        for order_id in ids:
            seen[order_id].append(api.order(token, order_id)["status"])
    for statuses in seen.values():
        assert_forward(statuses)
    assert all(statuses[-1] in {"FILLED", "EXPIRED", "REJECTED"} for statuses in seen.values())
