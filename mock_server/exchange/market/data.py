"""Market data beyond top of book: full books by provider level, and the market data sets.

The three published workflows: regular (``RealTimeMDS``, SPOT or an outright tenor), end of day
(``EndOfDayMDS``) and fixed period (``4HProduct``). Fixed-period rates hold one price per pair
for a whole ``HHmm-HHmm`` window of the day; their rate ids have the published shape
``4HProduct|2022-11-14|0800-1200|EURUSD|SPOT`` and are tradable by PQ only inside that window.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from integral_mock.errors import BadRequest, Forbidden, NotFound
from integral_mock.exchange.market.rates import PAIRS, Pair, PriceFeed, Quote, QuoteBook
from integral_mock.exchange.market.windows import (
    FIXED_PERIOD_ID,
    Window,
    fixed_period_rate_id,
    parse_fixed_period_rate_id,
)
from integral_mock.exchange.market.workflows import (
    END_OF_DAY_ID,
    REAL_TIME_ID,
    SET_TIMES,
    SPOT,
    check_workflow,
    end_of_day_set,
    outright_rates,
    parse_date,
)
from integral_mock.exchange.sessions import Principal

# A set is published a quarter of an hour before its window opens.
PUBLISH_LEAD_MS = 15 * 60_000
# Liquidity providers a book shows, best first at the touch.
PROVIDERS = ("LP-Alpha", "LP-Bravo", "LP-Charlie", "LP-Delta", "LP-Echo")
# Pairs by the slashless code a fixed-period rate id names them with (EURUSD, BTCUSDT).
_BY_CODE = {pair.base + pair.term: pair for pair in PAIRS.values()}


def fixed_period_quote(feed: PriceFeed, org: str, rate_id: str) -> Quote | None:
    """The quote a fixed-period rate id stands for, or None if it is not one of ours.

    Its price is the market's at the window's start; it is valid until the window ends.
    """
    parsed = parse_fixed_period_rate_id(rate_id)
    pair = _BY_CODE.get(parsed[1]) if parsed else None
    if parsed is None or pair is None:
        return None
    window = parsed[0]
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
        check_workflow(query)
        symbols = _symbols(query) or [s for s in PAIRS if _provisioned(self.pair_for, principal, s)]
        pairs = [self.pair_for(principal, s) for s in symbols]
        wanted, tenor, feed = query.get("id"), query.get("tenor", SPOT), self.quotes.feed
        sets = []
        if wanted in (None, REAL_TIME_ID):
            rates = (
                [self.quotes.issue(principal.org, p, now_ms).as_json() for p in pairs]
                if tenor == SPOT
                else outright_rates(feed, pairs, tenor, now_ms)
            )
            sets.append(
                {
                    "id": REAL_TIME_ID,
                    "date": None,
                    "timeWindow": None,
                    "name": "Real-time market data",
                    **dict.fromkeys(SET_TIMES),
                    "rates": rates,
                }
            )
        if wanted == END_OF_DAY_ID:
            sets.append(end_of_day_set(feed, pairs, query, now_ms))
        if wanted in (None, FIXED_PERIOD_ID) and tenor == SPOT:
            sets.append(_fixed_period_set(feed, principal.org, _window(query, now_ms), pairs))
        return sets


def _symbols(query: dict[str, str]) -> list[str]:
    listed = [s for s in query.get("symbols", "").split(",") if s]
    # The docs' own call sends both; a pair named twice is answered once.
    return list(dict.fromkeys(listed + ([query["symbol"]] if "symbol" in query else [])))


def _provisioned(pair_for: Callable[[Principal, str], Pair], principal: Principal, s: str) -> bool:
    try:
        pair_for(principal, s)
    except NotFound:
        return False
    return True


def _window(query: dict[str, str], now_ms: int) -> Window:
    """The window the query names (date, any `HHmm-HHmm`), by default the 4-hour one now."""
    current = Window.containing(now_ms)
    date = parse_date(query, current.date)
    label = query.get("timeWindow")
    window = Window(date, current.start_minute, current.end_minute)
    if label is not None:
        named = Window.parse(date, label)
        if named is None:
            # The value asked first: an example alone reads as if it were what was sent.
            message = f"timeWindow {label} is no HHmm-HHmm span of one day, start before end"
            message += " (e.g. 1500-1700)"
            raise BadRequest(message, fields=[{"field": "timeWindow", "message": message}])
        window = named
    if window.start_ms < PUBLISH_LEAD_MS:  # its times would be negative epoch milliseconds
        raise NotFound(f"No {FIXED_PERIOD_ID} data set for {window.date} {window.label}")
    return window


def _fixed_period_set(
    feed: PriceFeed, org: str, window: Window, pairs: list[Pair]
) -> dict[str, Any]:
    rates = []
    for pair in pairs:
        quote = fixed_period_quote(feed, org, fixed_period_rate_id(window, pair.base, pair.term))
        assert quote is not None
        rates.append({**quote.as_json(), "time": window.start_ms})
    return {
        "id": FIXED_PERIOD_ID,
        "date": window.date.isoformat(),
        "timeWindow": window.label,
        "name": "Fixed-period rates",
        "createdTime": window.start_ms - PUBLISH_LEAD_MS,
        "activationTime": window.start_ms,
        "validUntil": window.end_ms,
        "nextCreationTime": window.end_ms - PUBLISH_LEAD_MS,
        "expirationTime": window.end_ms,
        "rates": rates,
    }
