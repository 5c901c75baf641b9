"""Our checks of the STP trade download, from Integral's published download and resend pages."""

# Published: a download returns trades not downloaded before and consumes what it returns
# (clients poll until the answer is empty); a resend marks previously downloaded trades of a
# trade-date range for download again, and they come back with `event: RESEND`. Failures are
# AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from decimal import Decimal
from typing import Any

NEW, RESEND = "NEW", "RESEND"


def trades_of(order_id: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if str(m.get("orderId")) == order_id]


def filled_order_is_downloaded_once_as_new(
    order_id: str, first: list[dict[str, Any]], again: list[dict[str, Any]]
) -> dict[str, Any]:
    """A filled order's trade comes in one download as NEW, and a later download has it no more."""
    name = "filled_order_is_downloaded_once_as_new"
    ours = trades_of(order_id, first)
    assert len(ours) == 1, f"{name}: order {order_id} came as {len(ours)} trades: {ours!r}"
    trade = ours[0]
    assert trade.get("event") == NEW, f"{name}: order {order_id}'s trade is {trade.get('event')!r}"
    repeated = trades_of(order_id, again)
    assert not repeated, f"{name}: order {order_id}'s trade was downloaded again: {repeated!r}"
    return trade


def resent_trade_comes_back_as_resend(trade: dict[str, Any], after: list[dict[str, Any]]) -> None:
    """After a resend of its trade date, the same trade is downloaded again, as RESEND, once."""
    name = "resent_trade_comes_back_as_resend"
    order_id = str(trade.get("orderId"))
    ours = trades_of(order_id, after)
    assert len(ours) == 1, f"{name}: order {order_id} came back as {len(ours)} trades: {ours!r}"
    again = ours[0]
    assert again.get("event") == RESEND, f"{name}: it came back as {again.get('event')!r}"
    assert again.get("tradeId") == trade.get("tradeId"), (
        f"{name}: it came back as trade {again.get('tradeId')!r}, not {trade.get('tradeId')!r}"
    )


def trade_says_what_its_order_dealt(trade: dict[str, Any], order: dict[str, Any]) -> None:
    """A fill's trade names its order's coId, symbol, side and dealt currency, and the amount
    the order filled (`dealtAmount` is in the dealt currency, as the order's size)."""
    name = "trade_says_what_its_order_dealt"
    for field in ("coId", "symbol", "currency"):
        assert trade.get(field) == order.get(field), (
            f"{name}: the trade's {field} is {trade.get(field)!r}, the order's {order.get(field)!r}"
        )
    side = str(trade.get("side", "")).lower()  # bookings publish SELL, orders Sell
    assert side == str(order.get("side")).lower(), f"{name}: the trade's side is {side!r}"
    dealt, filled = Decimal(str(trade.get("dealtAmount"))), Decimal(str(order.get("cumQty")))
    assert dealt == filled, f"{name}: the trade dealt {dealt}, the order filled {filled}"
