"""Drifts in values that must agree: a quote's sides, a trade's amount and date, download order."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from tests.contracts.drift_table import DOWNLOAD, OPERATIONS, Drift, lifecycle
from tests.contracts.middleware import (
    body_of,
    is_call,
    rewriting,
    trades_of,
    with_body,
)
from tests.contracts.served_drifts import DataSetsIgnoreTheirPairs


def reference_rates_crossed(request: Request, response: Response) -> Response | None:
    """End-of-day reference rates (not tradable, so no PQ order notices) bid what they offer
    and offer what they bid."""
    body = body_of(response)
    if not (is_call(request, "GET", "/marketdataset") and isinstance(body, list)):
        return None
    for data_set in body:
        if data_set.get("id") == "EndOfDayMDS":
            for rate in data_set.get("rates") or []:
                rate["bid"], rate["offer"] = rate["offer"], rate["bid"]
    return with_body(response, body)


def data_set_times_in_seconds(request: Request, response: Response) -> Response | None:
    """A market data set's rates carry their `time` in epoch seconds."""
    body = body_of(response)
    if not (is_call(request, "GET", "/marketdataset") and isinstance(body, list)):
        return None
    for data_set in body:
        for rate in data_set.get("rates") or []:
            rate["time"] //= 1000
    return with_body(response, body)


def _settled_the_other_way(trade: dict[str, Any]) -> dict[str, Any]:
    """`trade` settling as if it dealt the other side of its pair (amount / rate for the base)."""
    base = str(trade.get("symbol", "")).partition("/")[0]
    dealt, rate = trade["dealtAmount"], trade["rate"]
    settled = dealt / rate if trade.get("currency") == base else dealt * rate
    return {**trade, "settledAmount": round(settled, 2)}


def trades_settle_the_other_way(request: Request, response: Response) -> Response | None:
    """Downloaded trades settle the dealt amount at the inverse rate."""
    trades = trades_of(request, response)
    if not trades or not all("settledAmount" in t and "rate" in t for t in trades):
        return None
    return with_body(response, [_settled_the_other_way(t) for t in trades])


def trades_value_on_their_trade_date(request: Request, response: Response) -> Response | None:
    """Downloaded trades say they settle on their trade date, where their order says spot."""
    trades = trades_of(request, response)
    changed = [{**t, "valueDate": t["tradeDate"]} for t in trades]
    return with_body(response, changed) if trades else None


def downloads_newest_first(request: Request, response: Response) -> Response | None:
    """A download hands out the trades it holds newest first."""
    trades = trades_of(request, response)
    return with_body(response, trades[::-1]) if len(trades) > 1 else None


AMOUNT_DRIFTS: dict[str, Drift] = {
    "reference_rates_crossed": Drift(
        rewriting(reference_rates_crossed),
        ("quote_is_not_crossed",),
        parts=OPERATIONS,
        keyword="marketdataset",
    ),
    "data_set_times_in_seconds": Drift(
        rewriting(data_set_times_in_seconds),
        ("data_set_rates_are_timed_on_their_date",),
        parts=OPERATIONS,
        keyword="marketdataset",
    ),
    "trades_settle_the_other_way": Drift(
        rewriting(trades_settle_the_other_way), ("trade_settles_at_its_rate",), parts=DOWNLOAD
    ),
    "trades_value_on_their_trade_date": Drift(
        rewriting(trades_value_on_their_trade_date),
        ("trade_says_what_its_order_dealt",),
        parts=DOWNLOAD,
    ),
    "downloads_newest_first": Drift(
        rewriting(downloads_newest_first),
        ("download_is_oldest_first",),
        parts=lifecycle("a_download_hands_out_the_older_fill_first"),
    ),
    "data_sets_ignore_their_pairs": Drift(
        DataSetsIgnoreTheirPairs,
        ("data_set_is_the_one_asked",),
        parts=OPERATIONS,
        keyword="marketdataset",
    ),
}
