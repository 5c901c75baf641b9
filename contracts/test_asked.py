"""Answers of what was asked: positions by symbol, level and value, an order's own trades."""

# Published: positions take an optional `symbol`, `level` and `value` (rest/positions/
# getpositions), and an order's trades are "all trades on an order by ID" (the place-order
# page). asked_checks judges every such answer, these tests' too: here a fill makes sure there
# is a position to filter and a trade that belongs to one order and not another. The level
# literals, levelValue's meaning and the order trades' path are sandbox decisions.

from __future__ import annotations

import pytest

from integral_mock.contracts import asked_checks, checks, credentials
from integral_mock.contracts.desk import Desk, statuses

# A pair the sandbox prices besides EUR/USD, which the fill below trades.
OTHER_PAIR = "USD/JPY"


@pytest.mark.sandbox_decision  # the level literals and what levelValue names
def test_positions_are_of_the_symbol_level_and_value_asked(desk: Desk) -> None:
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    org = credentials.caller().org
    for query in (
        {"symbol": OTHER_PAIR},
        {"level": "user"},
        {"level": "legalEntity"},
        {"level": "org", "value": "pfOrg"},
    ):
        response = desk.call("getPositions", query=query)  # asked_checks judges the answer
        assert response.status_code == 200, f"{query}: {response.text_lossy()}"
    mine = desk.call("getPositions", query={"symbol": "EUR/USD", "level": "org", "value": org})
    assert mine.status_code == 200, mine.text_lossy()
    assert mine.json(), (
        f"positions_are_the_ones_asked: {org} filled a EUR/USD order, and its EUR/USD position "
        f"at level org, value {org} is not there"
    )


@pytest.mark.sandbox_decision  # the path of the order's trades is not published
def test_an_orders_trades_are_its_own(desk: Desk) -> None:
    quote = desk.quote()
    filled = desk.poll_to_final(desk.place(quote))[-1]
    assert filled["status"] == checks.FILLED, filled
    asked_checks.order_trades_are_its_own(filled["orderId"], desk.order_trades(filled))
    # An order that never filled has no trade: none of the filled order's, nor any other's.
    off = desk.poll_to_final(desk.place(desk.quote(), price=float(quote["offer"]) * 0.5))[-1]
    assert off["status"] == checks.REJECTED, off
    response = desk.call("getOrderTrades", path_parameters={"id": off["orderId"]})
    assert response.status_code == 200, response.text_lossy()
    asked_checks.order_trades_are_its_own(off["orderId"], response.json())
