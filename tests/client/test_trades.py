"""Trade download: each trade once, batches until empty, resends, and nothing lost silently."""

from __future__ import annotations

import datetime as dt

import pytest

from integral_mock.client import (
    NotFound,
    OrderRequest,
    ServerError,
    Side,
    TradeEvent,
    TransportError,
)

MESSAGES = ("GET", "/v2/trades/stp/messages")
DAY = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the sandbox's manual clock starts that morning


def _fill(client, count, symbol="EUR/USD"):
    return [client.trade_pq(symbol, Side.BUY if n % 2 else Side.SELL, 1000) for n in range(count)]


def _whole_day(client):
    return client.resend_trades(DAY, DAY + dt.timedelta(days=1) - dt.timedelta(milliseconds=1))


def test_trades_are_downloaded_once_with_the_orders_fill(client, recorder):
    orders = _fill(client, 2)

    trades = client.download_trades()

    assert [t.order_id for t in trades] == [o.order_id for o in orders]
    for trade, order in zip(trades, orders, strict=True):
        assert trade.event is TradeEvent.NEW
        assert trade.trade_id == f"FXI{order.order_id}"
        assert (trade.maker, trade.channel) == (False, "API/REST/ESP")
        assert (trade.co_id, trade.side, trade.symbol) == (order.co_id, order.side, order.symbol)
        assert trade.dealt_amount == order.cum_qty
        assert trade.rate == order.average_price
        assert trade.rate_id == order.rate_id
        assert trade.status == "Verified"
        assert trade.executed_at == dt.datetime.fromtimestamp(order.transact_time / 1000, dt.UTC)
    assert client.download_trades() == []
    assert recorder.paths().count(MESSAGES[1]) == 3  # a batch, an empty one, and empty again


def test_download_polls_in_batches_until_an_empty_answer(client, recorder):
    _fill(client, 3)
    batches = []

    trades = client.download_trades(max_count=2, on_batch=batches.append)

    assert [len(b) for b in batches] == [2, 1]
    assert trades == batches[0] + batches[1]
    asked = [e.response.request.path_url for e in recorder.recorded if e.path == MESSAGES[1]]
    assert asked == ["/v2/trades/stp/messages?maxCount=2"] * 3


def test_one_batch_at_a_time_with_the_default_size(client, recorder):
    _fill(client, 1)

    assert len(client.trade_messages()) == 1
    assert client.trade_messages(max_count=10) == []
    assert recorder.recorded[-2].response.request.path_url == MESSAGES[1]


def test_resent_trades_come_again_as_resend(client):
    first = client.download_trades()
    assert first == []
    orders = _fill(client, 2)
    downloaded = client.download_trades()

    result = _whole_day(client)
    again = client.download_trades()

    assert result.resent == 2
    assert [t.event for t in again] == [TradeEvent.RESEND] * 2
    assert [t.trade_id for t in again] == [t.trade_id for t in downloaded]
    assert {t.order_id for t in again} == {o.order_id for o in orders}


def test_a_resend_over_a_period_without_trades_is_not_found(client):
    _fill(client, 1)

    with pytest.raises(NotFound) as caught:
        client.resend_trades("2025-12-31 00:00:00,000 +0000", "2025-12-31 23:59:59,999 +0000")

    assert caught.value.error_code == "NO_TRADES"
    with pytest.raises(ValueError, match="time zone"):
        client.resend_trades(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2))


def test_a_download_refused_by_503_is_retried(client, admin, virtual_time):
    _fill(client, 1)
    admin.fault(method="GET", path=MESSAGES[1], fault="503", retryAfter=1, times=1)

    trades = client.download_trades()

    assert len(trades) == 1
    assert virtual_time.sleeps[-1] == 1.0


def test_a_download_whose_answer_is_lost_is_not_retried_and_resend_recovers(client, admin):
    orders = _fill(client, 2)
    admin.fault(method="GET", path=MESSAGES[1], fault="reset-after", times=1)

    with pytest.raises(TransportError) as caught:
        client.download_trades()

    assert "resend_trades" in " ".join(caught.value.__notes__)
    assert client.download_trades() == []  # the lost answer consumed them
    reads = admin.journal(method="GET", path=MESSAGES[1], wait_for=2)
    assert [r["fault"] for r in reads].count("reset-after") == 1
    assert len(reads) == 2  # the lost read and the one above: no retry in between
    _whole_day(client)
    assert {t.order_id for t in client.download_trades()} == {o.order_id for o in orders}


def test_a_connection_refused_before_sending_is_retried(client, faults):
    _fill(client, 1)
    faults.add(*MESSAGES, "refuse")

    assert len(client.download_trades()) == 1


def test_a_failure_after_some_batches_says_how_many_came_before(client, faults):
    _fill(client, 3)
    faults.add(*MESSAGES, "", "status:500")
    batches = []

    with pytest.raises(ServerError) as caught:
        client.download_trades(max_count=2, on_batch=batches.append)

    assert [len(b) for b in batches] == [2]
    assert "2 trades were downloaded" in " ".join(caught.value.__notes__)
    assert faults.sent.count(MESSAGES) == 1  # a 500 may have consumed: not retried


def test_a_cancelled_order_with_a_part_filled_is_a_trade(client, sandbox):
    rate = client.spot_rate("EUR/USD")
    big = OrderRequest.limit("EUR/USD", "Buy", 20_000_000, rate.offer * 2)
    placed = client.place_order(big)
    sandbox.clock.advance(2_000)
    client.cancel_order(placed.order_id)

    (trade,) = client.download_trades()

    cancelled = client.get_order(placed.order_id)
    assert trade.order_id == placed.order_id
    assert 0 < trade.dealt_amount == cancelled.cum_qty < big.size


def test_an_answer_that_does_not_fit_consumed_its_trades_and_says_so(client, faults, recorder):
    (order,) = _fill(client, 1)
    faults.add(*MESSAGES, "mangle")

    with pytest.raises(TransportError) as caught:
        client.download_trades()

    assert "resend_trades" in " ".join(caught.value.__notes__)
    assert [p.split(":")[0] for p in recorder.problems] == [f"GET {MESSAGES[1]} -> 200"]
    recorder.problems.clear()  # the mangled answer breaks the spec on purpose
    assert client.download_trades() == []  # the real answer was consumed
    _whole_day(client)
    assert [t.order_id for t in client.download_trades()] == [order.order_id]


def test_an_orders_trades_are_its_download_and_reading_them_consumes_nothing(client):
    [order] = _fill(client, 1)

    [trade] = client.get_order_trades(order.order_id)

    assert (trade.order_id, trade.event, trade.dealt_amount) == (
        order.order_id,
        TradeEvent.NEW,
        order.cum_qty,
    )
    assert client.download_trades() == [trade]  # the download still hands it out
    assert client.get_order_trades(order.order_id) == [trade]


def test_an_orders_trades_whose_answer_is_lost_are_read_again(client, admin):
    [order] = _fill(client, 1)
    path = f"/v2/orders/{order.order_id}/trades"
    admin.fault(method="GET", path=path, fault="reset-after", times=1)

    # A look consumes nothing, so unlike the download it is retried after a lost answer.
    assert [t.order_id for t in client.get_order_trades(order.order_id)] == [order.order_id]
    reads = admin.journal(method="GET", path=path, wait_for=2)
    assert [r["fault"] for r in reads] == ["reset-after", None]


def test_an_unknown_orders_trades_are_not_found(client):
    with pytest.raises(NotFound):
        client.get_order_trades("9999999999")
