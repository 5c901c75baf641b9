"""What a fill looks like: execution fields, settlement amount and the spot value date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mock_server.rates import Pair

# Pairs that settle T+1 rather than the usual T+2.
_T_PLUS_ONE = frozenset({"USD/CAD", "USD/TRY", "USD/RUB", "USD/PHP"})


def utc_date(epoch_ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC).date()


def spot_value_date(pair: Pair, trade_date: dt.date) -> dt.date:
    """Trade date plus the pair's spot lag in weekdays (holiday calendars are not modelled)."""
    days = 1 if pair.symbol in _T_PLUS_ONE else 2
    value = trade_date
    while days:
        value += dt.timedelta(days=1)
        if value.weekday() < 5:
            days -= 1
    return value


def fill_fields(
    order_id: int, order: dict[str, Any], pair: Pair, price: Decimal, at_ms: int, counterparty: str
) -> dict[str, Any]:
    """The published WebSocket fill fields, for an order filled whole at `price`."""
    size = Decimal(str(order["size"]))
    # settlCurrAmt is in the currency not dealt: a EUR amount in EUR/USD settles in USD.
    settle = size * price if order["currency"] == pair.base else size / price
    trade_date = utc_date(at_ms)
    return {
        "averagePrice": float(price),
        "cumQty": order["size"],
        "leavesQty": 0,
        "lastPrice": float(price),
        "lastQty": order["size"],
        "execId": f"FXI{order_id}",
        "executionType": "TRADE",
        "tradeDate": trade_date.isoformat(),
        "valueDate": spot_value_date(pair, trade_date).isoformat(),
        "settlCurrAmt": float(round(settle, 2)),
        "counterParty": counterparty,
        "transactTime": at_ms,
    }
