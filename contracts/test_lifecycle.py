"""Orders driven to a final status: in-process by moving the clock on, live by polling in time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integral_mock.contracts import (
    calls,
    checks,
    credentials,
    hooks,
    position_checks,
    trade_checks,
)
from integral_mock.contracts.desk import Desk, statuses

# Older than any quote lives: Integral publishes no lifetime, and the sandbox's is a minute.
STALE_MS = 10 * 60 * 1000


def test_order_at_the_quote_is_received_then_filled_and_stays_filled(desk: Desk) -> None:
    quote = desk.quote()
    placed = desk.place(quote)
    assert placed["status"] == checks.RECEIVED
    seen = desk.poll_to_final(placed)
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    if desk.target.clock is not None:
        # The manual clock steps slower than the sandbox's delays, so the working stage shows.
        assert checks.NEW in statuses(seen), statuses(seen)
    filled = seen[-1]
    assert Decimal(str(filled["cumQty"])) == Decimal(str(placed["size"]))
    assert Decimal(str(filled["averagePrice"])) == Decimal(str(quote["offer"]))


def test_order_off_the_quote_is_rejected_with_a_reason_at_http_200(desk: Desk) -> None:
    quote = desk.quote()
    off_price = float(Decimal(str(quote["offer"])) * 2)
    seen = desk.poll_to_final(desk.place(quote, price=off_price))
    assert seen[-1]["status"] == checks.REJECTED, statuses(seen)
    assert seen[-1]["reason"], seen[-1]


def test_an_order_on_a_quote_ten_minutes_old_is_rejected_with_a_reason(desk: Desk) -> None:
    if desk.target.clock is None:
        pytest.skip("live: a quote's lifetime is not published, and ten minutes is long to wait")
    quote = desk.quote()
    desk.target.clock.advance(STALE_MS)
    desk.token = calls.login(desk.schema, credentials.caller())  # the time may outlive a token
    seen = desk.poll_to_final(desk.place(quote))
    name = "stale_quote_is_rejected"
    assert seen[-1]["status"] == checks.REJECTED, f"{name}: {statuses(seen)}"
    assert seen[-1]["reason"], f"{name}: {seen[-1]}"


def test_active_orders_list_an_order_until_it_is_final(desk: Desk) -> None:
    placed = desk.place(desk.quote())
    if desk.target.clock is not None:
        # Only in-process is the order surely still working; a live venue may fill it at once.
        assert placed["orderId"] in desk.active_ids()
    desk.poll_to_final(placed)
    assert placed["orderId"] not in desk.active_ids()


def test_order_cancelled_while_working_ends_cancelled_and_leaves_the_active_list(
    desk: Desk,
) -> None:
    # A resting order, not a PQ one: a live venue fills a PQ order before any cancel arrives.
    placed = desk.rest(desk.quote())
    assert placed["orderId"] in desk.active_ids()
    cancel = desk.call("cancelOrder", path_parameters={"id": placed["orderId"]})
    assert cancel.status_code == 202, cancel.text_lossy()
    seen = desk.poll_to_final(placed)
    assert seen[-1]["status"] == checks.CANCELLED, statuses(seen)
    assert seen[-1]["reason"], seen[-1]
    assert placed["orderId"] not in desk.active_ids()


def test_another_org_cannot_see_the_order(desk: Desk) -> None:
    other = credentials.other_org()
    if other is None:
        pytest.skip("INTEGRAL_OTHER_USER is empty: no second org to ask")
    placed = desk.place(desk.quote())
    token = calls.login(desk.schema, other)
    checks.other_org_cannot_see_order(placed, *calls.look_everywhere(desk.schema, token, placed))


def test_a_fill_moves_the_position_by_what_it_filled(desk: Desk) -> None:
    for order_id in desk.active_ids():  # earlier orders settle first: only ours may move it
        desk.poll_to_final(desk.order(order_id))
    before = desk.positions()
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    position_checks.position_moves_with_fill(before, desk.positions(), seen[-1])


def test_a_fill_is_downloaded_once_and_again_as_resend_after_a_resend_of_its_day(
    desk: Desk,
) -> None:
    desk.download_all()  # what earlier tests (or the org's other clients) left in the queue
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    order_id = seen[-1]["orderId"]
    first = desk.download_until(order_id)
    trade = trade_checks.filled_order_is_downloaded_once_as_new(
        order_id, first, desk.download_all()
    )
    trade_checks.trade_says_what_its_order_dealt(trade, seen[-1])
    start, end = _days_around(trade["executionTime"])
    resent = desk.call("resendTrades", body={"startDate": start, "endDate": end})
    assert resent.status_code == 200, resent.text_lossy()
    trade_checks.resent_trade_comes_back_as_resend(trade, desk.download_until(order_id))


def _days_around(execution_time: str) -> tuple[str, str]:
    """A range from the day before the trade's execution to the day after, in the published
    `yyyy-MM-dd HH:mm:ss,SSS Z`: whatever zone a venue dates its trades in, the trade date is
    inside."""
    moment = hooks.real_time(execution_time)
    assert moment is not None, f"the trade's executionTime {execution_time!r} is no real time"
    day = moment.date()
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    return f"{before} 00:00:00,000 +0000", f"{after} 23:59:59,999 +0000"
