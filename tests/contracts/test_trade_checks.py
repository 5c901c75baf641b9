"""The trade checks judge an order booked as several trades, as a live venue may book it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from integral_mock.contracts import trade_checks, trade_dates

ORDER = {"orderId": "7", "coId": "c1", "symbol": "EUR/USD", "currency": "EUR", "side": "Buy"}


def trade(trade_id: str, dealt: int, event: str = "NEW", **fields: Any) -> dict[str, Any]:
    base = {**ORDER, "tradeId": trade_id, "dealtAmount": dealt, "event": event}
    return {**base, "side": "BUY", "tradeDate": "2026-12-02", **fields}


def test_two_partial_fills_that_add_up_to_the_order_pass() -> None:
    trades = [trade("T1", 400), trade("T2", 600)]
    found = trade_checks.filled_order_is_downloaded_once_as_new("7", trades, [])
    trade_checks.trade_says_what_its_order_dealt(found, {**ORDER, "cumQty": 1000})
    resent = [trade("T2", 600, "RESEND"), trade("T1", 400, "RESEND")]
    trade_checks.resent_trade_comes_back_as_resend(found, resent)


def test_trades_dealing_more_than_the_order_filled_fail() -> None:
    trades = [trade("T1", 1000), trade("T2", 1000)]
    with pytest.raises(AssertionError, match="trade_says_what_its_order_dealt: the trades dealt"):
        trade_checks.trade_says_what_its_order_dealt(trades, {**ORDER, "cumQty": 1000})


def test_one_trade_handed_out_twice_fails() -> None:
    twice = [trade("T1", 500), trade("T1", 500)]
    with pytest.raises(AssertionError, match="filled_order_is_downloaded_once_as_new: .* repeat"):
        trade_checks.filled_order_is_downloaded_once_as_new("7", twice, [])


def test_in_process_the_order_must_be_one_trade() -> None:
    with pytest.raises(AssertionError, match="came as 2 trades"):
        trade_checks.filled_order_is_downloaded_once_as_new(
            "7", [trade("T1", 400), trade("T2", 600)], [], exactly=1
        )


def test_a_resend_that_brings_back_other_trades_fails() -> None:
    trades = [trade("T1", 400), trade("T2", 600)]
    with pytest.raises(AssertionError, match="resent_trade_comes_back_as_resend: .*T3"):
        trade_checks.resent_trade_comes_back_as_resend(
            trades, [trade("T1", 400, "RESEND"), trade("T3", 600, "RESEND")]
        )


def test_a_resend_asks_from_the_first_trade_date_to_now_at_the_latest() -> None:
    trades = [trade("T1", 1, tradeDate="2026-12-02"), trade("T2", 1, tradeDate="20261203")]
    now = dt.datetime(2026, 12, 3, 10, 15, 30, 250000, dt.UTC)
    assert trade_dates.resend_range(trades, now) == (
        "2026-12-02 00:00:00,000 +0000",
        "2026-12-03 10:15:30,250 +0000",
    )


def test_a_trade_dated_after_today_is_asked_for_from_its_first_moment() -> None:
    # A venue whose day rolls at 17:00 New York dates an evening trade tomorrow.
    tomorrow = [trade("T1", 1, tradeDate="2026-12-04")]
    now = dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC)
    start, end = trade_dates.resend_range(tomorrow, now)
    assert start == end == "2026-12-04 00:00:00,000 +0000"
