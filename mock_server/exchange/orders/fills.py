"""What a fill looks like: execution fields, settlement amount and the spot value date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from integral_mock.clock import utc
from integral_mock.exchange.market.rates import Pair
from integral_mock.exchange.orders.matching import Fill
from integral_mock.exchange.orders.ticket import Ticket

# Pairs that settle T+1 rather than the usual T+2.
_T_PLUS_ONE = frozenset({"USD/CAD", "USD/TRY", "USD/RUB", "USD/PHP"})


def spot_value_date(pair: Pair, trade_date: dt.date) -> dt.date:
    """Trade date plus the pair's spot lag in weekdays (holiday calendars are not modelled)."""
    days = 1 if pair.symbol in _T_PLUS_ONE else 2
    value = trade_date
    while days:
        value += dt.timedelta(days=1)
        if value.weekday() < 5:
            days -= 1
    return value


def fixing_fields(value_date: dt.date, spot_date: dt.date) -> dict[str, str]:
    """The fixing of an NDF settling on `value_date`: two weekdays before it, and its tenor.

    A sandbox decision where Integral publishes only the field names: `SPOT` when the value
    date is the spot date, `BROKEN` for any other date (no tenor ladder is modelled).
    """
    fixing, days = value_date, 2
    while days:
        fixing -= dt.timedelta(days=1)
        if fixing.weekday() < 5:
            days -= 1
    tenor = "SPOT" if value_date == spot_date else "BROKEN"
    return {"fixingDate": fixing.isoformat(), "fixingTenor": tenor}


def fill_fields(
    order_id: int, order: Ticket, fills: Sequence[Fill], counterparty: str
) -> dict[str, Any]:
    """The published WebSocket fill fields of an order with these fills (at least one)."""
    cum = sum((f.qty for f in fills), Decimal(0))
    notional = sum((f.qty * f.price for f in fills), Decimal(0))
    average = notional / cum
    # settlCurrAmt is in the currency not dealt: a EUR amount in EUR/USD settles in USD.
    in_term = sum((f.qty / f.price for f in fills), Decimal(0))
    pair = order.pair
    settle = notional if order.deals_base else in_term
    last = fills[-1]
    trade_date = utc(last.at_ms).date()
    return {
        "averagePrice": _number(average.quantize(Decimal(1).scaleb(-pair.decimals - 2))),
        "cumQty": _number(cum),
        "leavesQty": _number(order.size - cum),
        "lastPrice": _number(last.price),
        "lastQty": _number(last.qty),
        # One fill keeps the plain id; each further fill gets its own.
        "execId": f"FXI{order_id}" if len(fills) == 1 else f"FXI{order_id}-{len(fills)}",
        "executionType": "TRADE",
        "tradeDate": trade_date.isoformat(),
        "valueDate": order.fields.get("valueDate") or spot_value_date(pair, trade_date).isoformat(),
        "settlCurrAmt": float(round(settle, 2)),
        "counterParty": counterparty,
        "transactTime": last.at_ms,
    }


def _number(value: Decimal) -> int | float:
    """A JSON number as a client would write it: 1000000, not 1000000.0."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)
