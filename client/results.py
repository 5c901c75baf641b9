"""Market data and trade results: provider books, market data sets, STP trade messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.client.enums import BookType, Side, TradeEvent
from integral_mock.client.models import SpotRate
from integral_mock.client.wire import boolean, decimal, field, integer, objects, text

# Integral's `yyyy-MM-dd HH:mm:ss,SSS Z` (executionTime, and the dates of a resend).
_EXECUTION_TIME = "%Y-%m-%d %H:%M:%S,%f %z"


def execution_time(moment: dt.datetime) -> str:
    """`moment` as `yyyy-MM-dd HH:mm:ss,SSS Z`; it must carry a time zone."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; use e.g. datetime.now(timezone.utc)")
    millis = f"{moment.microsecond // 1000:03d}"
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + millis + moment.strftime(" %z")


def parse_execution_time(text: str) -> dt.datetime:
    """The aware datetime of a `yyyy-MM-dd HH:mm:ss,SSS Z` string."""
    return dt.datetime.strptime(text, _EXECUTION_TIME)


def _execution_time(value: Any) -> str:
    """An executionTime, checked when it arrives: `executed_at` must not fail later."""
    parse_execution_time(text(value))
    return str(value)


@dataclass(frozen=True, kw_only=True)
class BookLevel(SpotRate):
    """One provider's level of a book; as a SpotRate, its `rate_id` is tradable by PQ."""

    provider: str = field("provider")


def _levels(value: Any) -> tuple[BookLevel, ...]:
    levels = objects(BookLevel)(value)
    if not levels:  # the spec's minItems 1; and `best` would have nothing to give
        raise ValueError("a book has at least one level")
    return levels


@dataclass(frozen=True, kw_only=True)
class SpotBook:
    """A FULL or RAW book: one level per provider, best first."""

    symbol: str = field("symbol")
    type: BookType = field("type", BookType)
    time: int = field("time", integer)
    levels: tuple[BookLevel, ...] = field("levels", _levels)

    @property
    def best(self) -> BookLevel:
        return self.levels[0]


@dataclass(frozen=True, kw_only=True)
class MarketDataSet:
    """A market data set: regular (`RealTimeMDS`), end of day or fixed period (`4HProduct`).

    A fixed-period set's rates are tradable by PQ orders only inside its window, from
    `activation_time` until `valid_until`.
    """

    id: str = field("id")
    name: str = field("name")
    rates: tuple[SpotRate, ...] = field("rates", objects(SpotRate))
    date: str | None = field("date", default=None)
    time_window: str | None = field("timeWindow", default=None)
    created_time: int | None = field("createdTime", integer, default=None)
    activation_time: int | None = field("activationTime", integer, default=None)
    valid_until: int | None = field("validUntil", integer, default=None)
    next_creation_time: int | None = field("nextCreationTime", integer, default=None)
    expiration_time: int | None = field("expirationTime", integer, default=None)

    def rate(self, symbol: str) -> SpotRate:
        """The set's rate for `symbol`; LookupError if it has none."""
        for rate in self.rates:
            if rate.symbol == symbol:
                return rate
        raise LookupError(f"market data set {self.id} has no rate for {symbol}")


@dataclass(frozen=True, kw_only=True)
class TradeMessage:
    """One done trade as the STP download publishes it.

    `trade_id` identifies it across resends: a consumer that may see a trade twice (RESEND)
    dedupes on it.
    """

    order_id: str = field("orderId")
    trade_id: str = field("tradeId")
    co_id: str = field("coId")
    event: TradeEvent = field("event", TradeEvent)
    trade_type: str = field("tradeType")
    trade_date: str = field("tradeDate")
    value_date: str = field("valueDate")
    maker: bool = field("maker", boolean)  # true: the org made the price; false: it took one
    side: Side = field("side", Side)
    status: str = field("status")
    symbol: str = field("symbol")
    currency: str = field("currency")
    customer_account: str = field("customerAccount")
    customer_org: str = field("customerOrg")
    user: str = field("user")
    counterparty: str = field("counterparty")
    channel: str = field("channel")
    execution_time: str = field("executionTime", _execution_time)
    dealt_amount: Decimal = field("dealtAmount", decimal)
    rate_id: str | None = field("rateId", default=None)
    rate: Decimal | None = field("rate", decimal, default=None)
    settled_amount: Decimal | None = field("settledAmount", decimal, default=None)
    counterparty_account: str | None = field("counterpartyAccount", default=None)
    counterparty_long_name: str | None = field("counterpartyLongName", default=None)
    fixing_date: str | None = field("fixingDate", default=None)  # an NDF's
    fixing_tenor: str | None = field("fixingTenor", default=None)  # an NDF's

    @property
    def executed_at(self) -> dt.datetime:
        return parse_execution_time(self.execution_time)


@dataclass(frozen=True, kw_only=True)
class ResendResult:
    """What a resend answers besides its OK envelope: how many trades were queued again."""

    resent: int = field("resent", integer)
