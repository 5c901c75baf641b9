"""Orders that rest on the book (Limit GTC/GTT/DAY, Stop) under the manual clock, over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import Api, assert_error, error_fields
from tests.workflow.support import START_MS, Market, assert_forward, dec, new_order, pips

MIDNIGHT_MS = START_MS + 14 * 3_600_000  # 2026-01-02 00:00:00 UTC
GRID_SECONDS = 60  # how far ahead the tests look for a price the market will reach


def _at(api: Api, token: str, order_id: str, at_ms: int) -> dict[str, Any]:
    api.clock.advance(at_ms - api.clock.now_ms())
    return api.order(token, order_id)


def test_gtc_rests_new_until_the_market_reaches_its_limit_then_fills(
    api: Api, token: str, market: Market
) -> None:
    seconds = market.seconds(api.clock.now_ms(), GRID_SECONDS)
    offers = [q["offer"] for q in seconds]
    limit = min(offers)
    cross = seconds[offers.index(limit)]["time"]  # the first second the offer is down there
    assert cross > seconds[0]["time"], "the seeded market should take a while to get there"
    order_id = api.placed(token, new_order("Limit", "GTC", price=limit))["orderId"]
    assert api.status_at(token, order_id, cross - 1) == "NEW"
    order = _at(api, token, order_id, cross)
    assert order["status"] == "FILLED"
    assert (order["transactTime"], order["averagePrice"], order["cumQty"]) == (
        cross,
        limit,
        1_000_000,
    )


def test_gtt_expires_exactly_expiry_time_seconds_after_placement(api: Api, token: str) -> None:
    quote = api.spot(token)
    placed_ms = api.clock.now_ms()
    gtt = new_order("Limit", "GTT", price=pips(quote["offer"], -50), expiryTime=30)
    order_id = api.placed(token, gtt)["orderId"]
    assert api.status_at(token, order_id, placed_ms + 30_000 - 1) == "NEW"
    order = _at(api, token, order_id, placed_ms + 30_000)
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("GTT_EXPIRED: ")
    assert "cumQty" not in order


def test_gtt_that_filled_in_part_expires_keeping_its_fills(
    api: Api, token: str, market: Market
) -> None:
    placed_ms = api.clock.now_ms()
    first, second = market.seconds(placed_ms, 2)
    size = 30_000_000  # more than two seconds of quoted size can fill
    gtt = new_order("Limit", "GTT", size=size, price=pips(first["offer"], 50), expiryTime=3)
    order_id = api.placed(token, gtt)["orderId"]
    order = _at(api, token, order_id, placed_ms + 3_000)
    assert order["status"] == "EXPIRED"
    assert order["cumQty"] == first["offerLimit"] + second["offerLimit"]
    assert order["cumQty"] + order["leavesQty"] == size
    assert order["transactTime"] == second["time"]


def test_day_order_expires_at_the_next_utc_midnight(api: Api) -> None:
    api.clock.advance(MIDNIGHT_MS - 30_000 - api.clock.now_ms())
    token = api.token()  # the morning's token would have expired by now
    quote = api.spot(token)
    day = new_order("Limit", "DAY", price=pips(quote["offer"], -50))
    order_id = api.placed(token, day)["orderId"]
    assert api.status_at(token, order_id, MIDNIGHT_MS - 1) == "NEW"
    order = _at(api, token, order_id, MIDNIGHT_MS)
    assert order["status"] == "EXPIRED"
    assert order["reason"].startswith("DAY_EXPIRED: ")


def _triggers(seconds: list[dict[str, Any]], flag: str) -> list[Decimal]:
    bids, offers = [dec(q["bid"]) for q in seconds], [dec(q["offer"]) for q in seconds]
    if flag == "BidTrigger":
        return bids
    if flag == "OfferTrigger":
        return offers
    return [(bid + offer) / 2 for bid, offer in zip(bids, offers, strict=True)]


@pytest.mark.parametrize("flag", ["BidTrigger", "OfferTrigger", "MidTrigger"])
@pytest.mark.parametrize("side", ["Buy", "Sell"])
def test_stop_triggers_on_its_flag_price_and_fills_at_the_touch(
    api: Api, token: str, market: Market, side: str, flag: str
) -> None:
    # A buy stop waits for the price to rise to the stop, a sell stop for it to fall.
    seconds = market.seconds(api.clock.now_ms(), GRID_SECONDS)
    buy = side == "Buy"
    stop = max(q["bid"] for q in seconds) if buy else min(q["offer"] for q in seconds)
    triggers = _triggers(seconds, flag)
    hit = next(k for k, t in enumerate(triggers) if (t >= dec(stop) if buy else t <= dec(stop)))
    at = seconds[hit]["time"]
    stop_order = new_order("Stop", side=side, price=stop, stopPrice=stop, execFlags=[flag])
    order_id = api.placed(token, stop_order)["orderId"]
    assert api.status_at(token, order_id, at - 1) == "NEW"
    order = _at(api, token, order_id, at)
    assert (order["status"], order["transactTime"]) == ("FILLED", at)
    assert order["averagePrice"] == seconds[hit]["offer" if buy else "bid"]


def test_the_same_sell_stop_triggers_first_on_the_bid_last_on_the_offer(
    api: Api, token: str, market: Market
) -> None:
    seconds = market.seconds(api.clock.now_ms(), GRID_SECONDS)
    stop = min(q["offer"] for q in seconds)
    flags = ["BidTrigger", "MidTrigger", "OfferTrigger"]
    ids = [
        api.placed(
            token, new_order("Stop", side="Sell", price=stop, stopPrice=stop, execFlags=[flag])
        )["orderId"]
        for flag in flags
    ]
    api.clock.advance(seconds[-1]["time"] - api.clock.now_ms())
    times = [api.order(token, order_id)["transactTime"] for order_id in ids]
    assert times == sorted(times)
    assert times[0] < times[-1]


def test_resting_order_larger_than_the_quote_fills_in_parts(
    api: Api, token: str, market: Market
) -> None:
    seconds = market.seconds(api.clock.now_ms(), 30)
    size, limit = 12_000_000, pips(seconds[0]["offer"], 50)
    assert all(q["offer"] <= limit for q in seconds)
    order_id = api.placed(token, new_order("Limit", "GTC", size=size, price=limit))["orderId"]
    statuses, cum, notional = ["RECEIVED"], 0, Decimal(0)
    for k, quote in enumerate(seconds):
        last_qty = min(quote["offerLimit"], size - cum)
        cum, notional = cum + last_qty, notional + last_qty * dec(quote["offer"])
        order = _at(api, token, order_id, quote["time"])
        statuses.append(order["status"])
        assert order["status"] == ("FILLED" if cum == size else "PARTIALLY_FILLED")
        assert (order["cumQty"], order["leavesQty"]) == (cum, size - cum)
        assert (order["lastQty"], order["lastPrice"]) == (last_qty, quote["offer"])
        assert order["averagePrice"] == pytest.approx(float(notional / cum), abs=1e-7)
        assert order["execId"] == f"FXI{order_id}" + (f"-{k + 1}" if k else "")
        if cum == size:
            break
    assert statuses[-1] == "FILLED"
    assert "PARTIALLY_FILLED" in statuses
    assert_forward(statuses)


def test_stop_gtt_without_expiry_time_is_a_bad_request(api: Api, token: str) -> None:
    # Was a 500: a resting Stop with timeInForce GTT had no expiryTime to expire by.
    stop = new_order("Stop", "GTT", price=1.05, stopPrice=1.05, execFlags=["BidTrigger"])
    body = assert_error(api.place(token, stop), 400, "INVALID_REQUEST")
    assert error_fields(body) == {"expiryTime"}
    assert api.get(f"/v2/orders?coId={stop['coId']}", token).status_code == 404
