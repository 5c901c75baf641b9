"""The spec's enumerations, as string enums whose values are the wire literals."""

from __future__ import annotations

from enum import StrEnum


class OrderType(StrEnum):
    LIMIT = "Limit"
    AT_BEST = "AtBest"
    MARKET = "Market"
    STOP = "Stop"
    STOP_LIMIT = "StopLimit"
    PEGGED = "Pegged"
    ALGO = "Algo"
    PQ = "PQ"


class Side(StrEnum):
    """Buy or sell the dealt currency."""

    BUY = "Buy"
    SELL = "Sell"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTT = "GTT"
    DAY = "DAY"


class ExecFlag(StrEnum):
    BID_TRIGGER = "BidTrigger"
    OFFER_TRIGGER = "OfferTrigger"
    MID_TRIGGER = "MidTrigger"


class OrderStatus(StrEnum):
    RECEIVED = "RECEIVED"
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"

    @property
    def is_final(self) -> bool:
        """Whether the status can no longer change."""
        return self in _FINAL


_FINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.REJECTED, OrderStatus.EXPIRED, OrderStatus.CANCELLED}
)


class BookType(StrEnum):
    """What getSpotRateByType answers: top of book, or a book of provider levels."""

    TOB = "TOB"
    FULL = "FULL"
    RAW = "RAW"


class MarketDataSetId(StrEnum):
    """The market data sets of the three workflows: regular, end of day, fixed period."""

    REAL_TIME = "RealTimeMDS"
    END_OF_DAY = "EndOfDayMDS"
    FIXED_PERIOD = "4HProduct"


class TradeEvent(StrEnum):
    """A trade message's first download (NEW), or one queued again by a resend (RESEND)."""

    NEW = "NEW"
    RESEND = "RESEND"


class PositionLevel(StrEnum):
    """Where a position is netted: the org, one of its legal entities, or one user."""

    USER = "user"
    LEGAL_ENTITY = "legalEntity"
    ORG = "org"


class TradeType(StrEnum):
    SPOT = "Spot"
    OUTRIGHT = "Outright"
    SWAP = "Swap"
    NDF = "NDF"


class TradeChannel(StrEnum):
    """A booked trade's channel: "0" API/CreditEntry, "1" API/TradeEntry."""

    CREDIT_ENTRY = "0"
    TRADE_ENTRY = "1"
