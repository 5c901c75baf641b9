"""Our checks of positions, written from what Integral publishes and not from the server's code."""

# A position is a sum of trades: its net amounts are what the fills that made it bought and
# sold, its children split it without changing the total, and its P&L is what closing at its
# rate would leave. Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import rules

# Amounts travel rounded to the cent; a sum of n of them may be off by n half-cents.
CENT = Decimal("0.01")
# Relative: far looser than a double's 2e-16, far tighter than any real netting mistake.
FLOAT_PRECISION = Decimal("1e-12")
NETS = ("netOpenBase", "netOpenterm")


def _amount(position: dict[str, Any], name: str) -> Decimal:
    return Decimal(str(position.get(name, 0)))


def position_children_add_up(ctx: CheckContext, response: Response, case: Case) -> None:
    """Each position's children (one level down) net to the position itself, pair and date."""
    if case.operation.path != "/v2/positions" or response.status_code != 200:
        return
    for position in _positions(response):
        _children_add_up(position)


def _children_add_up(position: dict[str, Any]) -> None:
    name = "position_children_add_up"
    children = position.get("children") or []
    where = f"{position.get('level')} {position.get('levelValue')} {position.get('symbol')}"
    for child in children:
        same = (child.get("symbol"), child.get("valueDate")) == (
            position.get("symbol"),
            position.get("valueDate"),
        )
        assert same, f"{name}: a child of {where} is for another pair or value date"
        _children_add_up(child)
    if not children:
        return
    for net in NETS:
        total = sum((_amount(c, net) for c in children), Decimal(0))
        # A cent per child, or a double's precision: past 1e15 a JSON number keeps no cents.
        slack = max(CENT * len(children), abs(total) * FLOAT_PRECISION)
        assert abs(total - _amount(position, net)) <= slack, (
            f"{name}: {where} has {net} {position.get(net)}, its children {total}"
        )


def position_pnl_agrees_with_net_amounts(ctx: CheckContext, response: Response, case: Case) -> None:
    """Realized plus unrealized P&L is what closing the net amounts at `rate` leaves."""
    if case.operation.path != "/v2/positions" or response.status_code != 200:
        return
    for position in _positions(response):
        value = _amount(position, "netOpenBase") * _amount(position, "rate")
        cash = value + _amount(position, "netOpenterm")
        pnl = _amount(position, "realizedPnL") + _amount(position, "unrealizedPnL")
        # JSON numbers carry about 15 significant digits: allow for that on large amounts.
        size = abs(value) + abs(_amount(position, "netOpenterm"))
        slack = 2 * CENT + size * Decimal("1e-12")
        assert abs(cash - pnl) <= slack, (
            f"position_pnl_agrees_with_net_amounts: {position.get('symbol')} "
            f"{position.get('levelValue')} nets {cash}, reports P&L {pnl}"
        )


def position_moves_with_fill(
    before: list[dict[str, Any]], after: list[dict[str, Any]], order: dict[str, Any]
) -> list[str]:
    """A filled order moves the org's position in its pair and value date by what it filled.

    Buying the base adds `cumQty` of it and pays `settlCurrAmt` of the term currency (dealing
    the term currency, the other way round); the rest of the book does not move. A net amount
    so large that a JSON number cannot show the fill's move in it (a live book that earlier
    runs' fuzzed bookings grew past 1e15) is not judged: returns the nets it could not judge.
    """
    name = "position_moves_with_fill"
    symbol, value_date = order["symbol"], order["valueDate"]
    dealt, settled = Decimal(str(order["cumQty"])), Decimal(str(order["settlCurrAmt"]))
    in_base = order["currency"] == rules.base_of(symbol)
    base, term = (dealt, settled) if in_base else (settled, dealt)
    sign = 1 if (order["side"] == "Buy") == in_base else -1
    moved = {"netOpenBase": sign * base, "netOpenterm": -sign * term}
    unjudged = []
    for net, expected in moved.items():
        was, now = _net(before, symbol, value_date, net), _net(after, symbol, value_date, net)
        # A cent, or a double's precision where the position is too large to keep cents.
        slack = max(CENT, max(abs(was), abs(now)) * FLOAT_PRECISION)
        if slack >= abs(expected):
            unjudged.append(net)
            continue
        assert abs(now - was - expected) <= slack, (
            f"{name}: order {order['orderId']} filled {expected} of {net} in {symbol} "
            f"{value_date}, the position moved {now - was}"
        )
    return unjudged


def _net(positions: list[dict[str, Any]], symbol: str, value_date: str, net: str) -> Decimal:
    return sum(
        (
            _amount(p, net)
            for p in positions
            if (p.get("symbol"), p.get("valueDate")) == (symbol, value_date)
        ),
        Decimal(0),
    )


def _positions(response: Response) -> list[dict[str, Any]]:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return []
    return [p for p in body if isinstance(p, dict)] if isinstance(body, list) else []
