"""Positions and booked trades: getPositions and bookTrade, with their typed results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.client.base import BaseClient
from integral_mock.client.enums import PositionLevel, Side, TradeChannel, TradeType
from integral_mock.client.retries import unprocessed
from integral_mock.client.wire import boolean, decimal, field, integer, objects, to_wire


def _positions(value: Any) -> tuple[Position, ...]:
    return objects(Position)(value)  # late: a position's children are positions


@dataclass(frozen=True, kw_only=True)
class Position:
    """A net open position at one level, for one pair and value date, P&L in `pnl_currency`.

    `net_open_base` is base bought minus sold; `net_open_term` the term currency paid and
    received the other way (`netOpenterm` on the wire, as published). `children` break it
    down one level (org, then legal entity, then user).
    """

    side: Side = field("side", Side)
    symbol: str = field("symbol")
    value_date: str = field("valueDate")
    level: PositionLevel = field("level", PositionLevel)
    level_value: str = field("levelValue")
    net_open_base: Decimal = field("netOpenBase", decimal)
    net_open_term: Decimal = field("netOpenterm", decimal)
    rate: Decimal = field("rate", decimal)
    realized_pnl: Decimal = field("realizedPnL", decimal)
    unrealized_pnl: Decimal = field("unrealizedPnL", decimal)
    pnl_currency: str = field("pnlCurrency")
    children: tuple[Position, ...] = field("children", _positions)


@dataclass(frozen=True, kw_only=True)
class TradeBooking:
    """A trade done elsewhere, to book (bookTrade); `side` is for the dealt currency."""

    type: TradeType = field("type", TradeType)
    channel: TradeChannel = field("channel", TradeChannel)
    counterparty: str = field("counterparty")
    counterparty_account: str = field("counterpartyAccount")
    customer_org: str = field("customerOrg")
    customer_account: str = field("customerAccount")
    dealt_ins: str = field("dealtIns")
    dealt_amount: Decimal = field("dealtAmount", decimal)
    rate: Decimal = field("rate", decimal)
    side: Side = field("side", Side)
    symbol: str = field("symbol")
    client_request_id: str | None = field("clientRequestId", default=None)
    reference_id: str | None = field("referenceId", default=None)
    note: str | None = field("note", default=None)
    counterparty_trader: str | None = field("counterpartyTrader", default=None)
    trader: str | None = field("trader", default=None)
    base_amount: Decimal | None = field("baseAmount", decimal, default=None)
    term_amount: Decimal | None = field("termAmount", decimal, default=None)
    cover_rate: Decimal | None = field("coverRate", decimal, default=None)
    credit_mode: int | None = field("creditMode", integer, default=None)
    credit_valuation_adjustment: Decimal | None = field(
        "creditValuationAdjustment", decimal, default=None
    )
    rate_id: str | None = field("rateId", default=None)
    spot_rate: Decimal | None = field("spotRate", decimal, default=None)
    stp: bool | None = field("stp", boolean, default=None)
    trade_date: str | None = field("tradeDate", default=None)
    value_date: str | None = field("valueDate", default=None)


@dataclass(frozen=True, kw_only=True)
class BookedTrade:
    """What bookTrade answers: the trade's id, when it was created, the request's own id."""

    trade_id: str = field("tradeId")
    created_time: str = field("createdTime")
    client_request_id: str | None = field("clientRequestId", default=None)


class PositionMethods(BaseClient):
    """getPositions and bookTrade."""

    def get_positions(
        self,
        *,
        symbol: str | None = None,
        level: PositionLevel | str | None = None,
        value: str | None = None,
    ) -> list[Position]:
        """The org's positions at `level` (the server's default: org), optionally filtered."""
        params = {"symbol": symbol, "value": value}
        params["level"] = None if level is None else PositionLevel(level).value
        given = {name: text for name, text in params.items() if text is not None}
        return self._parse_list(Position, self._call("GET", "/v2/positions", params=given).data)

    positions = get_positions  # friendlier alias

    def book_trade(self, booking: TradeBooking) -> BookedTrade:
        """Book a trade done elsewhere; it then shows in the trade download and positions.

        Sent once: only a refusal the server certainly did not act on (429, 503, no
        connection) is retried. After any other failure, look for the trade in the download
        before booking it again (a repeated `client_request_id` is a BadRequest).
        """
        reply = self._call("POST", "/v2/trades", body=to_wire(booking), retry_if=unprocessed)
        return self._parse(BookedTrade, reply.data)
