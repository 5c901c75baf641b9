"""The date range a resend asks for: the trades' trade dates, never reaching past now."""

# Published: a resend marks the downloaded trades whose tradeDate lies in [startDate, endDate],
# both `yyyy-MM-dd HH:mm:ss,SSS Z`. Integral does not say whether a range may end in the future.

from __future__ import annotations

import datetime as dt
from typing import Any

from integral_mock.contracts import hooks


def resend_range(trades: list[dict[str, Any]], now: dt.datetime) -> tuple[str, str]:
    """From the start of the first trade date of `trades` to the end of the last, or to `now`
    if that comes first (a venue may refuse a range reaching into the future), in the published
    `yyyy-MM-dd HH:mm:ss,SSS Z`."""
    days = [trade_date(t) for t in trades]
    start = dt.datetime.combine(min(days), dt.time(), dt.UTC)
    end = dt.datetime.combine(max(days), dt.time(23, 59, 59, 999000), dt.UTC)
    # A trade date after today's UTC date (a venue whose day rolls at 17:00 New York) is held
    # by no range that ends by now: then the range is its first moment.
    end = max(min(end, now.astimezone(dt.UTC)), start)
    return _published(start), _published(end)


def trade_date(trade: dict[str, Any]) -> dt.date:
    """A trade's tradeDate (`yyyy-MM-dd`, or `yyyyMMdd` as Integral's WebSocket writes it), else
    the date of its executionTime."""
    text = str(trade.get("tradeDate"))
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    moment = hooks.real_time(trade.get("executionTime"))
    assert moment is not None, f"trade {trade.get('tradeId')} has no tradeDate nor executionTime"
    return moment.date()


def _published(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S},{moment.microsecond // 1000:03d} +0000"
