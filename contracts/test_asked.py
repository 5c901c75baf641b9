"""Answers of what was asked: positions by symbol, level and value (and as decided), trades."""

# Published: positions take an optional `symbol`, `level` and `value` (rest/positions/
# getpositions), and an order's trades are "all trades on an order by ID" (the place-order
# page). asked_checks judges every such answer, these tests' too: here a fill makes sure there
# is a position to filter and a trade that belongs to one order and not another. The level
# literals, levelValue's meaning, children one level down, P&L in the pair's term currency and
# the order trades' path are sandbox decisions (the spec's x-sandbox-decision for positions).

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.contracts import asked_checks, checks, credentials
from integral_mock.contracts.desk import Desk, statuses

# A pair the sandbox prices besides EUR/USD, which the fill below trades.
OTHER_PAIR = "USD/JPY"
# The position levels, each one's children at the next.
LEVELS = ("org", "legalEntity", "user")


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


@pytest.mark.sandbox_decision  # the spec's x-sandbox-decision for positions
def test_positions_break_down_by_level_in_the_term_currency(desk: Desk) -> None:
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    positions = desk.positions()
    assert positions, "position_is_as_decided: a EUR/USD fill left no EUR/USD position"
    for position in positions:
        _as_decided(position, "org")


def _as_decided(position: dict[str, Any], level: str) -> None:
    """A position at `level`, its P&L in its pair's term currency, and children one level
    down (org, then legalEntity, then user), each as decided too."""
    name, symbol = "position_is_as_decided", str(position.get("symbol"))
    where = f"{name}: a {symbol} position of {position.get('levelValue')}"
    assert position.get("level") == level, f"{where} is at {position.get('level')!r}, not {level}"
    pnl = position.get("pnlCurrency")
    assert pnl == symbol.partition("/")[2], f"{where} counts its P&L in {pnl!r}"
    below = LEVELS[LEVELS.index(level) + 1 :]
    for child in position.get("children") or []:
        assert below, f"{where} at level {level} has children"
        _as_decided(child, below[0])


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
