"""A Stop's execFlags as the spec decides them: the first trigger flag in the array decides."""

from __future__ import annotations

import pytest

from tests.helpers import Api
from tests.workflow.support import Market, dec, new_order
from tests.workflow.test_resting_orders import GRID_SECONDS, _triggers


@pytest.mark.parametrize(
    ("flags", "decides"),
    [
        (["MidTrigger", "BidTrigger"], "MidTrigger"),
        (["MidTrigger", "OfferTrigger"], "MidTrigger"),
        (["OfferTrigger", "BidTrigger"], "OfferTrigger"),
    ],
)
def test_the_first_trigger_flag_decides_mid_trigger_too(
    api: Api, token: str, market: Market, flags: list[str], decides: str
) -> None:
    seconds = market.seconds(api.clock.now_ms(), GRID_SECONDS)
    # A sell stop at the lowest offer: the bid reaches it first, the mid later, the offer last.
    stop = min(q["offer"] for q in seconds)
    hits = {
        flag: next(k for k, t in enumerate(_triggers(seconds, flag)) if t <= dec(stop))
        for flag in ("BidTrigger", "MidTrigger", "OfferTrigger")
    }
    assert len({hits[f] for f in flags}) == 2, "the flags must trigger at different seconds"
    stop_order = new_order("Stop", side="Sell", price=stop, stopPrice=stop, execFlags=flags)
    order_id = api.placed(token, stop_order)["orderId"]
    api.clock.advance(seconds[-1]["time"] - api.clock.now_ms())
    order = api.order(token, order_id)
    assert order["transactTime"] == seconds[hits[decides]]["time"]
