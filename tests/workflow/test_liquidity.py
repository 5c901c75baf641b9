"""Market (IOC) and AtBest (FOK) against the quoted sizes: no order fills past the liquidity."""

from __future__ import annotations

import pytest

from tests.helpers import Api
from tests.workflow.support import Market, dec, new_order, settled

TOUCH = {"Buy": "offer", "Sell": "bid"}
LIMIT = {"Buy": "offerLimit", "Sell": "bidLimit"}
HUGE = 1_000_000_000_000  # far past any quoted size (at most 10M)


@pytest.mark.parametrize("side", ["Buy", "Sell"])
def test_market_ioc_over_the_quoted_size_fills_what_is_quoted_and_expires_the_rest(
    api: Api, token: str, market: Market, side: str
) -> None:
    quote = api.spot(token)
    placed = api.placed(token, new_order("Market", "IOC", side=side, size=HUGE, price=quote["bid"]))
    order = settled(api, token, placed["orderId"])
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("IOC_REMAINDER: ")
    at_fill = market.quote(order["transactTime"])
    assert 0 < order["cumQty"] == at_fill[LIMIT[side]] < HUGE
    assert order["cumQty"] + order["leavesQty"] == HUGE
    assert order["averagePrice"] == order["lastPrice"] == at_fill[TOUCH[side]]
    # Its one trade carries the filled amount, not the size asked.
    (trade,) = api.get(f"/v2/orders/{order['orderId']}/trades", token).json
    assert trade["dealtAmount"] == order["cumQty"]


@pytest.mark.parametrize("side", ["Buy", "Sell"])
def test_atbest_fok_over_the_quoted_size_expires_with_nothing_filled(
    api: Api, token: str, side: str
) -> None:
    fok = new_order("AtBest", "FOK", side=side, size=HUGE, valueDate="2026-01-06")
    order = settled(api, token, api.placed(token, fok)["orderId"])
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("NO_LIQUIDITY: ")
    assert "cumQty" not in order
    assert api.get(f"/v2/orders/{order['orderId']}/trades", token).json == []


def test_market_ioc_in_the_term_currency_fills_the_base_limit_converted_at_its_price(
    api: Api, token: str, market: Market
) -> None:
    # Buying USD in EUR/USD sells EUR at the bid; the quoted size is in EUR, the order in USD.
    quote = api.spot(token)
    ioc = new_order("Market", "IOC", currency="USD", size=HUGE, price=quote["bid"])
    order = settled(api, token, api.placed(token, ioc)["orderId"])
    assert order["status"] == "EXPIRED"
    at_fill = market.quote(order["transactTime"])
    assert dec(order["cumQty"]) == dec(at_fill["bidLimit"]) * dec(at_fill["bid"])
    assert order["settlCurrAmt"] == at_fill["bidLimit"]


def test_market_ioc_with_a_min_qty_past_the_quoted_size_expires_unfilled(
    api: Api, token: str
) -> None:
    quote = api.spot(token)
    # minQty (published, optional): no fill smaller than it; the quotes never reach 15M.
    ioc = new_order("Market", "IOC", size=20_000_000, minQty=15_000_000, price=quote["offer"])
    order = settled(api, token, api.placed(token, ioc)["orderId"])
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("NO_LIQUIDITY: ")
    assert "minQty" in order["reason"]
    assert "cumQty" not in order


def test_market_ioc_with_a_min_qty_within_the_quoted_size_fills_what_is_quoted(
    api: Api, token: str, market: Market
) -> None:
    quote = api.spot(token)
    ioc = new_order("Market", "IOC", size=20_000_000, minQty=1_000_000, price=quote["offer"])
    order = settled(api, token, api.placed(token, ioc)["orderId"])
    assert order["cumQty"] == market.quote(order["transactTime"])["offerLimit"]


def test_a_resting_limit_takes_no_fill_smaller_than_its_min_qty(api: Api, token: str) -> None:
    quote = api.spot(token)
    # Through the market, so every second would give it the quoted size, never 11M at once.
    gtc = new_order("Limit", "GTC", size=12_000_000, minQty=11_000_000)
    placed = api.placed(token, {**gtc, "price": round(quote["offer"] + 0.01, 5)})
    order = settled(api, token, placed["orderId"], after_ms=10_000)
    assert order["status"] == "NEW"
    assert "cumQty" not in order
