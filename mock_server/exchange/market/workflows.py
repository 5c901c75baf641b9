"""The market-data workflows beyond spot: regular outright tenors and end-of-day sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from integral_mock.clock import utc
from integral_mock.errors import BadRequest, NotFound
from integral_mock.exchange.market.rates import Pair, PriceFeed

REAL_TIME_ID = "RealTimeMDS"
END_OF_DAY_ID = "EndOfDayMDS"
SPOT, ONE_WEEK = "SPOT", "1W"
# The sandbox's business day ends at 22:00 UTC (17:00 in New York in winter).
END_OF_DAY_HOUR = 22
_DAY_MS = 86_400_000
SET_TIMES = ("createdTime", "activationTime", "validUntil", "nextCreationTime", "expirationTime")


def bad(field: str, message: str) -> BadRequest:
    return BadRequest(message, fields=[{"field": field, "message": message}])


def check_workflow(query: dict[str, str]) -> None:
    """The published rules of each workflow: a regular or end-of-day set takes no timeWindow.

    Only the regular workflow has outright tenors; fixed-period and end-of-day rates are SPOT.
    """
    wanted, tenor = query.get("id"), query.get("tenor", SPOT)
    if wanted in (REAL_TIME_ID, END_OF_DAY_ID) and "timeWindow" in query:
        raise bad("timeWindow", f"a {wanted} set takes no timeWindow (fixed-period sets do)")
    if wanted == REAL_TIME_ID and "date" in query:
        raise bad("date", f"a {wanted} set is for today's business date; omit date")
    if tenor != SPOT and wanted not in (None, REAL_TIME_ID):
        raise bad("tenor", f"only regular ({REAL_TIME_ID}) sets have the {tenor} tenor")


def parse_date(query: dict[str, str], default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(query["date"]) if "date" in query else default
    except ValueError:
        raise bad("date", "date must be a calendar date, yyyy-MM-dd") from None


def _close_ms(date: dt.date) -> int:
    midnight = dt.datetime.combine(date, dt.time(END_OF_DAY_HOUR), dt.UTC)
    return int(midnight.timestamp() * 1000)


def _reference_rate(feed: PriceFeed, pair: Pair, at_ms: int, rate_id: str) -> dict[str, Any]:
    bid, offer, bid_limit, offer_limit = feed.top_of_book(pair, at_ms)
    return {
        "symbol": pair.symbol,
        "bid": float(bid),
        "offer": float(offer),
        "bidLimit": bid_limit,
        "offerLimit": offer_limit,
        "time": at_ms,
        "rateId": rate_id,
    }


def outright_rates(feed: PriceFeed, pairs: list[Pair], tenor: str, now_ms: int) -> list[Any]:
    """Regular rates for an outright tenor, for reference: forward points are not modelled."""
    today = utc(now_ms).date().isoformat()
    return [
        _reference_rate(
            feed, p, now_ms, f"{REAL_TIME_ID}|{today}|{p.base}{p.term}|{tenor}|{now_ms}"
        )
        for p in pairs
    ]


def end_of_day_set(
    feed: PriceFeed, pairs: list[Pair], query: dict[str, str], now_ms: int
) -> dict[str, Any]:
    """The reference rates of a business day's close: today's once it has closed, by default."""
    latest = utc(now_ms).date() - dt.timedelta(
        days=0 if now_ms >= _close_ms(utc(now_ms).date()) else 1
    )
    date = parse_date(query, latest)
    close = _close_ms(date)
    if close > now_ms or close < 0:
        raise NotFound(f"No {END_OF_DAY_ID} data set for {date} (it is published at its close)")
    rates = [
        _reference_rate(feed, p, close, f"{END_OF_DAY_ID}|{date}|{p.base}{p.term}|{SPOT}")
        for p in pairs
    ]
    following = close + _DAY_MS
    times = (close, close, following, following, following)
    return {
        "id": END_OF_DAY_ID,
        "date": date.isoformat(),
        "timeWindow": None,
        "name": "End-of-day reference rates",
        **dict(zip(SET_TIMES, times, strict=True)),
        "rates": rates,
    }
