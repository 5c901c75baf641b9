"""Open positions (GET /v2/positions): an org's trades netted by level, pair and value date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed

# Integral names the levels user, legal entity and organization; these literals are ours.
LEVELS = ("org", "legalEntity", "user")
_LEVEL_FIELD = {"org": "customerOrg", "legalEntity": "customerAccount", "user": "user"}
_CENT = Decimal("0.01")


def positions_of(
    trades: list[dict[str, Any]], feed: PriceFeed, query: dict[str, str], now: int
) -> list[dict[str, Any]]:
    """Positions at `level` (default org), by pair and value date, of these trades."""
    if "symbol" in query:
        trades = [t for t in trades if t["symbol"] == query["symbol"]]
    found = _positions(trades, query.get("level", "org"), feed, now)
    return [p for p in found if "value" not in query or p["levelValue"] == query["value"]]


@dataclass
class _Book:
    """One position under average-cost accounting, in base units and the pair's term currency."""

    pair: Pair
    base: Decimal = Decimal(0)  # net open base: bought minus sold
    term: Decimal = Decimal(0)  # net open term: its cash flows, the other way
    average: Decimal = Decimal(0)  # average rate of what is still open
    sides: list[str] = field(default_factory=list)

    def add(self, trade: dict[str, Any]) -> None:
        dealt, settled = Decimal(str(trade["dealtAmount"])), Decimal(str(trade["settledAmount"]))
        in_base = trade["currency"] == self.pair.base
        base, term = (dealt, settled) if in_base else (settled, dealt)
        # `side` is for the dealt currency: buying the term currency sells the base.
        sign = 1 if (trade["side"] == "Buy") == in_base else -1
        self.sides.append("Buy" if sign > 0 else "Sell")
        self.term -= sign * term
        if base == 0:  # a sliver whose other side rounds to nothing: cash, realized at once
            return
        qty, price = sign * base, term / base
        if self.base == 0 or (self.base > 0) == (qty > 0):
            self.average = (self.base * self.average + qty * price) / (self.base + qty)
        elif abs(qty) > abs(self.base):  # it went through zero: what remains opened at this price
            self.average = price
        self.base += qty
        if self.base == 0:
            self.average = Decimal(0)

    @property
    def realized(self) -> Decimal:
        """What closing the trades done so far has made: the cash, less the open lots' cost.

        The same as summing each close at (price - average), without the rounding that such a
        running sum gathers; a flat position's realized P&L is exactly its net term cash.
        """
        return self.term + self.base * self.average

    def as_json(self, level: str, value: str, value_date: str, mark: Decimal) -> dict[str, Any]:
        side = "Buy" if self.base > 0 else "Sell" if self.base < 0 else self.sides[0]
        return {
            "side": side,
            "symbol": self.pair.symbol,
            "valueDate": value_date,
            "level": level,
            "levelValue": value,
            "netOpenBase": _number(self.base),
            "netOpenterm": _number(self.term),  # a lowercase "term", as published
            "rate": float(mark),
            "realizedPnL": _money(self.realized),
            "unrealizedPnL": _money(self.base * (mark - self.average)),
            "pnlCurrency": self.pair.term,
        }


def _positions(
    trades: Iterable[dict[str, Any]], level: str, feed: PriceFeed, now_ms: int
) -> list[dict[str, Any]]:
    """One position per (level value, pair, value date); children break it down a level."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for trade in trades:
        key = (trade[_LEVEL_FIELD[level]], trade["symbol"], trade["valueDate"])
        groups.setdefault(key, []).append(trade)
    deeper = LEVELS[LEVELS.index(level) + 1] if level != LEVELS[-1] else None
    found = []
    for (value, symbol, value_date), group in sorted(groups.items()):
        book = _Book(PAIRS[symbol])
        for trade in group:
            book.add(trade)
        bid, offer, _, _ = feed.top_of_book(book.pair, now_ms)
        position = book.as_json(level, value, value_date, (bid + offer) / 2)
        position["children"] = _positions(group, deeper, feed, now_ms) if deeper else []
        found.append(position)
    return found


def _money(value: Decimal) -> float:
    return float(value.quantize(_CENT)) + 0.0  # + 0.0: never a "-0.0" on the wire


def _number(value: Decimal) -> int | float:
    """An amount as JSON: whole numbers as integers, others as they are.

    Not rounded to the cent: a net of 0.004 shown as 0 would disagree with the P&L it makes at
    the rate (0.6 JPY a USD/JPY position), and a client checks one against the other.
    """
    return int(value) if value == value.to_integral_value() else float(value)
