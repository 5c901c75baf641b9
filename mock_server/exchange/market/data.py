"""Market data beyond top of book: full books by provider level, and fixed-period data sets.

Fixed-period rates (Integral's "4HProduct" sets) hold one price per pair for a whole window of
the day; their rate ids have the published shape ``4HProduct|2022-11-14|0800-1200|EURUSD|SPOT``
and are tradable by a PQ order only inside that window.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.clock import utc
from integral_mock.errors import BadRequest, Forbidden, NotFound
from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed, Quote, QuoteBook
from integral_mock.exchange.sessions import Principal

FIXED_PERIOD_ID = "4HProduct"
WINDOW_HOURS = 4
_HOUR_MS = 3_600_000
# A set is published a quarter of an hour before its window opens.
PUBLISH_LEAD_MS = 15 * 60_000
_FIXED_RATE = re.compile(
    r"^(?P<set>[A-Za-z0-9]+)\|(?P<date>\d{4}-\d{2}-\d{2})\|(?P<start>\d{4})-(?P<end>\d{4})"
    r"\|(?P<pair>[A-Z]{6})\|(?P<tenor>SPOT)$"
)
# Liquidity providers a book shows, best first at the touch.
PROVIDERS = ("LP-Alpha", "LP-Bravo", "LP-Charlie", "LP-Delta", "LP-Echo")


@dataclass(frozen=True)
class Window:
    """One fixed period of one UTC day: [start_ms, end_ms)."""

    date: dt.date
    start_hour: int

    @property
    def start_ms(self) -> int:
        midnight = dt.datetime.combine(self.date, dt.time(), dt.UTC)
        return int(midnight.timestamp() * 1000) + self.start_hour * _HOUR_MS

    @property
    def end_ms(self) -> int:
        return self.start_ms + WINDOW_HOURS * _HOUR_MS

    @property
    def label(self) -> str:
        end = (self.start_hour + WINDOW_HOURS) % 24 or 24
        return f"{self.start_hour:02d}00-{end:02d}00"

    @classmethod
    def containing(cls, epoch_ms: int) -> Window:
        moment = utc(epoch_ms)
        return cls(moment.date(), moment.hour - moment.hour % WINDOW_HOURS)


def fixed_period_rate_id(window: Window, pair: Pair) -> str:
    return f"{FIXED_PERIOD_ID}|{window.date.isoformat()}|{window.label}|{pair.base}{pair.term}|SPOT"


def fixed_period_quote(feed: PriceFeed, org: str, rate_id: str) -> Quote | None:
    """The quote a fixed-period rate id stands for, or None if it is not one of ours.

    Its price is the market's at the window's start; it is valid until the window ends.
    """
    match = _FIXED_RATE.match(rate_id)
    if not match or match["set"] != FIXED_PERIOD_ID:
        return None
    pair = PAIRS.get(f"{match['pair'][:3]}/{match['pair'][3:]}")
    start_hour = int(match["start"][:2])
    if pair is None or start_hour % WINDOW_HOURS or match["start"][2:] != "00":
        return None
    try:
        window = Window(dt.date.fromisoformat(match["date"]), start_hour)
    except ValueError:
        return None
    if window.label != f"{match['start']}-{match['end']}":
        return None
    bid, offer, bid_limit, offer_limit = feed.top_of_book(pair, window.start_ms)
    return Quote(
        rate_id,
        org,
        pair.symbol,
        bid,
        offer,
        bid_limit,
        offer_limit,
        window.start_ms,
        valid_until_ms=window.end_ms,
    )


def book_levels(
    feed: PriceFeed, pair: Pair, now_ms: int, depth: int = len(PROVIDERS)
) -> list[tuple[str, Decimal, Decimal, int, int]]:
    """(provider, bid, offer, bidLimit, offerLimit) per level, best first, spreads widening."""
    bid, offer, bid_limit, offer_limit = feed.top_of_book(pair, now_ms)
    step = Decimal(1).scaleb(-pair.decimals)
    pip_steps = max(1, int(Decimal(str(pair.pip)) / step))
    levels = []
    for level in range(depth):
        widen = step * pip_steps * (level * (level + 1) // 2)
        levels.append(
            (
                PROVIDERS[level],
                bid - widen,
                offer + widen,
                bid_limit * (level + 1),
                offer_limit * (level + 1),
            )
        )
    return levels


REAL_TIME_ID = "RealTimeMDS"
# A real-time set has none of these; a fixed-period set has them all.
_SET_TIMES = ("createdTime", "activationTime", "validUntil", "nextCreationTime", "expirationTime")


class MarketDesk:
    """The market-data operations of one venue: books by type and the market data sets."""

    def __init__(self, quotes: QuoteBook, pair_for: Callable[[Principal, str], Pair]) -> None:
        self.quotes = quotes
        self.pair_for = pair_for

    def spot_book(
        self, principal: Principal, book_type: str, symbol: str, now_ms: int, org: str | None
    ) -> dict[str, Any]:
        """TOB answers like the spot rate; FULL and RAW answer a level per provider.

        RAW is each provider's own quote; the sandbox's providers each quote one level, so
        RAW and FULL hold the same levels.
        """
        if org is not None and org != principal.org:
            raise Forbidden(f"Org {principal.org} may not read the rates of org {org}")
        pair = self.pair_for(principal, symbol)
        if book_type == "TOB":
            return self.quotes.issue(principal.org, pair, now_ms).as_json()
        levels = []
        for provider, bid, offer, bid_limit, offer_limit in book_levels(
            self.quotes.feed, pair, now_ms
        ):
            quote = self.quotes.issue_level(
                principal.org, pair, now_ms, bid, offer, bid_limit, offer_limit
            )
            levels.append({**quote.as_json(), "provider": provider})
        return {"symbol": pair.symbol, "type": book_type, "time": now_ms, "levels": levels}

    def data_sets(
        self, principal: Principal, query: dict[str, str], now_ms: int
    ) -> list[dict[str, Any]]:
        """The real-time set and the fixed-period set, filtered as the query asks."""
        symbols = _symbols(query) or [s for s in PAIRS if _provisioned(self.pair_for, principal, s)]
        pairs = [self.pair_for(principal, s) for s in symbols]
        wanted = query.get("id")
        sets = []
        if wanted in (None, REAL_TIME_ID):
            rates = [self.quotes.issue(principal.org, p, now_ms).as_json() for p in pairs]
            sets.append(
                {
                    "id": REAL_TIME_ID,
                    "date": None,
                    "timeWindow": None,
                    "name": "Real-time market data",
                    **dict.fromkeys(_SET_TIMES),
                    "rates": rates,
                }
            )
        if wanted in (None, FIXED_PERIOD_ID):
            window = _window(query, now_ms)
            sets.append(_fixed_period_set(self.quotes.feed, principal.org, window, pairs))
        return sets


def _symbols(query: dict[str, str]) -> list[str]:
    listed = [s for s in query.get("symbols", "").split(",") if s]
    return listed + ([query["symbol"]] if "symbol" in query else [])


def _provisioned(pair_for: Callable[[Principal, str], Pair], principal: Principal, s: str) -> bool:
    try:
        pair_for(principal, s)
    except NotFound:
        return False
    return True


def _window(query: dict[str, str], now_ms: int) -> Window:
    """The window the query names (date, timeWindow), defaulting to the one running now."""
    current = Window.containing(now_ms)
    try:
        date = dt.date.fromisoformat(query["date"]) if "date" in query else current.date
    except ValueError:
        message = "date must be a calendar date, yyyy-MM-dd"
        raise BadRequest(message, fields=[{"field": "date", "message": message}]) from None
    start_hour = int(query["timeWindow"][:2]) if "timeWindow" in query else current.start_hour
    window = Window(date, start_hour)
    if "timeWindow" in query and (start_hour % WINDOW_HOURS or window.label != query["timeWindow"]):
        message = f"timeWindow must be one of the 4-hour windows, such as {current.label}"
        raise BadRequest(message, fields=[{"field": "timeWindow", "message": message}])
    if window.start_ms < PUBLISH_LEAD_MS:  # its times would be negative epoch milliseconds
        raise NotFound(f"No {FIXED_PERIOD_ID} data set for {window.date} {window.label}")
    return window


def _fixed_period_set(
    feed: PriceFeed, org: str, window: Window, pairs: list[Pair]
) -> dict[str, Any]:
    rates = []
    for pair in pairs:
        quote = fixed_period_quote(feed, org, fixed_period_rate_id(window, pair))
        assert quote is not None
        rates.append({**quote.as_json(), "time": window.start_ms})
    return {
        "id": FIXED_PERIOD_ID,
        "date": window.date.isoformat(),
        "timeWindow": window.label,
        "name": f"{WINDOW_HOURS}-hour fixed-period rates",
        "createdTime": window.start_ms - PUBLISH_LEAD_MS,
        "activationTime": window.start_ms,
        "validUntil": window.end_ms,
        "nextCreationTime": window.end_ms - PUBLISH_LEAD_MS,
        "expirationTime": window.end_ms,
        "rates": rates,
    }
