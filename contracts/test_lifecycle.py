"""Orders driven to a final status: in-process by moving the clock on, live by polling in time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integral_mock.contracts import (
    calls,
    checks,
    credentials,
    position_checks,
    trade_checks,
    visibility_checks,
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


@pytest.mark.sandbox_decision  # accepted, then REJECTED: a venue may refuse it at once
def test_order_off_the_quote_is_rejected_with_a_reason_at_http_200(desk: Desk) -> None:
    quote = desk.quote()
    off_price = float(Decimal(str(quote["offer"])) * 2)
    seen = desk.poll_to_final(desk.place(quote, price=off_price))
    assert seen[-1]["status"] == checks.REJECTED, statuses(seen)
    assert seen[-1]["reason"], seen[-1]


@pytest.mark.sandbox_decision  # a quote's lifetime, and what placing on a stale one does
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


@pytest.mark.sandbox_decision  # the active list's path (GET /v2/orders) is not published
def test_active_orders_list_an_order_until_it_is_final(desk: Desk) -> None:
    placed = desk.place(desk.quote())
    if desk.target.clock is not None:
        # Only in-process is the order surely still working; a live venue may fill it at once.
        assert placed["orderId"] in desk.active_ids()
    desk.poll_to_final(placed)
    assert placed["orderId"] not in desk.active_ids()


@pytest.mark.sandbox_decision  # the cancel (path, 202, CANCELLED) is third-party evidence
def test_order_cancelled_while_working_ends_cancelled_and_leaves_the_active_list(
    desk: Desk,
) -> None:
    # A resting order, not a PQ one: a live venue fills a PQ order before any cancel arrives.
    with desk.resting(desk.quote()) as placed:
        assert placed["orderId"] in desk.active_ids()
        cancel = desk.call("cancelOrder", path_parameters={"id": placed["orderId"]})
        assert cancel.status_code == 202, cancel.text_lossy()
        seen = desk.poll_to_final(placed)
        assert seen[-1]["status"] == checks.CANCELLED, statuses(seen)
        assert seen[-1]["reason"], seen[-1]
        assert placed["orderId"] not in desk.active_ids()


@pytest.mark.sandbox_decision  # the active list (path, order) is not published
def test_active_orders_are_listed_oldest_first(desk: Desk) -> None:
    with desk.resting(desk.quote()) as first, desk.resting(desk.quote()) as second:
        placed = [first["orderId"], second["orderId"]]
        checks.active_orders_are_oldest_first(placed, [o["orderId"] for o in desk.working()])
        for order_id in placed:
            desk.order(order_id)  # the older one too: order_is_the_one_asked judges each
            desk.cancel_quietly(order_id)


@pytest.mark.sandbox_decision  # 404, not 403; and the second org is the sandbox's traderB
def test_another_org_cannot_see_the_order(desk: Desk) -> None:
    other = credentials.other_org()
    if other is None:
        pytest.skip("INTEGRAL_OTHER_USER is empty: no second org to ask")
    placed = desk.place(desk.quote())
    token = calls.login(desk.schema, other)
    visibility_checks.other_org_cannot_see_order(
        placed, *calls.look_everywhere(desk.schema, token, placed)
    )
    cancel = calls.send(
        desk.schema, "cancelOrder", token, path_parameters={"id": placed["orderId"]}
    )
    visibility_checks.other_org_cannot_cancel_order(placed, cancel, desk.order(placed["orderId"]))


def test_a_fill_moves_the_position_by_what_it_filled(desk: Desk) -> None:
    # Between the two looks at the position only this order may fill: every order the suite
    # left working (this run or an earlier one live) is cancelled first, any other waited for.
    desk.settle()
    before = desk.positions()
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    unjudged = position_checks.position_moves_with_fill(before, desk.positions(), seen[-1])
    if len(unjudged) == len(position_checks.NETS):
        pytest.skip(f"the position is too large for a JSON number to show this fill: {unjudged}")


@pytest.mark.stp_download
def test_a_fill_is_downloaded_once_and_again_as_resend_after_a_resend_of_its_day(
    desk: Desk,
) -> None:
    desk.download_all()  # what earlier tests (or the org's other clients) left in the queue
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    filled = seen[-1]
    order_id = filled["orderId"]
    # A live venue may book the order as several trades (partial fills); the sandbox books one.
    exactly = None if desk.live else 1
    first = desk.download_until(order_id, trade_checks.dealing_at_least(filled["cumQty"]))
    trades = trade_checks.filled_order_is_downloaded_once_as_new(
        order_id, first, desk.download_all(), exactly=exactly
    )
    trade_checks.trade_says_what_its_order_dealt(trades, filled)
    resent = desk.resend(trades)
    assert resent.status_code == 200, resent.text_lossy()
    after = desk.download_until(order_id, trade_checks.holding(trades))
    trade_checks.resent_trade_comes_back_as_resend(trades, after, exactly=exactly)


@pytest.mark.stp_download
def test_a_resend_before_the_first_download_leaves_the_trade_to_come_once_as_new(
    desk: Desk,
) -> None:
    desk.download_all()
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    filled = seen[-1]
    # Published: a resend marks previously downloaded trades; this one was never downloaded.
    # 404 (NO_TRADES) when the day holds no downloaded trade at all.
    resent = desk.resend([filled])
    assert resent.status_code in (200, 404), resent.text_lossy()
    downloaded = desk.download_until(filled["orderId"], trade_checks.dealing_at_least(0))
    trade_checks.resend_leaves_trades_never_downloaded_alone(filled["orderId"], downloaded)


@pytest.mark.stp_download
def test_a_download_of_at_most_one_trade_leaves_the_next_one_waiting(desk: Desk) -> None:
    desk.download_all()
    for _ in range(2):
        seen = desk.poll_to_final(desk.place(desk.quote()))
        assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    # Two trades wait (in-process at once; live they may lag behind the fills): a download of
    # maxCount 1 hands out one of them (download_keeps_to_max_count judges it).
    one = desk.download(max_count=1)
    if not desk.live:
        assert len(one) == 1, f"download_keeps_to_max_count: maxCount 1 handed out {one!r}"
    assert desk.live or desk.download_all(), "the second trade was not left waiting"


@pytest.mark.stp_download
def test_a_download_hands_out_the_older_fill_first(desk: Desk) -> None:
    if desk.live:
        pytest.skip("live: a trade may lag behind its fill, so a download need not hold both")
    desk.download_all()
    filled = []
    for _ in range(2):
        seen = desk.poll_to_final(desk.place(desk.quote()))
        assert seen[-1]["status"] == checks.FILLED, statuses(seen)
        filled.append(seen[-1]["orderId"])
    # The spec: a download hands out the trades not downloaded before, oldest first.
    handed = [str(t.get("orderId")) for t in desk.download()]
    ours = [order_id for order_id in handed if order_id in filled]
    assert ours == filled, f"download_is_oldest_first: filled as {filled}, downloaded as {ours}"


@pytest.mark.sandbox_decision  # the second org is the sandbox's traderB
@pytest.mark.stp_download
def test_another_orgs_fill_is_not_in_the_download(desk: Desk, other_desk: Desk) -> None:
    desk.download_all()
    seen = other_desk.poll_to_final(other_desk.place(other_desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    theirs = seen[-1]["orderId"]
    trade_checks.download_is_the_orgs_own(theirs, desk.download_all())
    if not desk.live:
        # In-process the trade is waiting at once: the other org's own download has it.
        assert trade_checks.trades_of(theirs, other_desk.download_all()), "no trade to leak"


@pytest.mark.sandbox_decision  # the path of the order's trades is not published
@pytest.mark.stp_download
def test_an_orders_trades_are_the_ones_the_download_hands_out(desk: Desk) -> None:
    desk.download_all()
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, statuses(seen)
    filled = seen[-1]
    # Reading the order's trades consumes nothing: the download must still hand them out.
    own = desk.order_trades(filled)
    downloaded = desk.download_until(filled["orderId"], trade_checks.holding(own))
    trade_checks.order_trades_are_its_downloaded_trades(own, downloaded, filled)
