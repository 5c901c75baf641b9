"""Books by type, market data sets, and PQ orders on a book level or a fixed-period rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integral_mock.client import (
    BadRequest,
    BookLevel,
    BookType,
    Forbidden,
    MarketDataSetId,
    OrderRejected,
    OrderRequest,
    OrderStatus,
    Side,
    SpotBook,
    SpotRate,
    TransportError,
)

ORG = "apiOrganizationId"
HOUR_MS = 3_600_000


def test_tob_answers_a_spot_rate_and_full_a_book_best_first(client):
    top = client.spot_rate_by_type(BookType.TOB, "EUR/USD")
    book = client.spot_rate_by_type("FULL", "EUR/USD")

    assert type(top) is SpotRate
    assert isinstance(book, SpotBook)
    assert (book.symbol, book.type) == ("EUR/USD", BookType.FULL)
    assert len(book.levels) > 1
    assert all(isinstance(level, BookLevel) for level in book.levels)
    bids = [level.bid for level in book.levels]
    offers = [level.offer for level in book.levels]
    assert bids == sorted(bids, reverse=True)
    assert offers == sorted(offers)
    assert book.best == book.levels[0]
    assert (book.best.bid, book.best.offer) == (top.bid, top.offer)
    assert len({level.rate_id for level in book.levels}) == len(book.levels)
    assert len({level.provider for level in book.levels}) == len(book.levels)


def test_each_level_of_the_book_is_tradable_at_its_own_price(client):
    level = client.spot_book("GBP/USD").levels[2]

    order = client.wait_for_final(
        client.place_order(OrderRequest.pq(level, Side.SELL, Decimal(100_000))).order_id
    )

    assert order.status is OrderStatus.FILLED
    assert order.price == order.average_price == level.bid
    assert order.rate_id == level.rate_id


def test_the_book_for_ones_own_org_and_not_for_another(client, recorder):
    raw = client.spot_book("USD/JPY", BookType.RAW, org=ORG)

    assert raw.type is BookType.RAW
    assert recorder.paths()[-1] == f"/v2/rates/spot/RAW/{ORG}"
    with pytest.raises(Forbidden):
        client.spot_rate_by_type("TOB", "USD/JPY", org="orgB")
    with pytest.raises(ValueError, match="TOB"):
        client.spot_book("USD/JPY", "TOB")


def test_market_data_sets_hold_the_real_time_and_the_current_fixed_period(client, sandbox):
    now = sandbox.clock.now_ms()

    real_time, fixed = client.market_data_sets(symbols=["EUR/USD", "USD/JPY"])

    assert real_time.id == MarketDataSetId.REAL_TIME
    assert (real_time.date, real_time.time_window, real_time.valid_until) == (None, None, None)
    assert [r.symbol for r in real_time.rates] == ["EUR/USD", "USD/JPY"]
    assert fixed.id == MarketDataSetId.FIXED_PERIOD
    assert fixed.activation_time <= now < fixed.valid_until
    assert fixed.valid_until - fixed.activation_time == 4 * HOUR_MS
    rate = fixed.rate("USD/JPY")
    assert rate.rate_id == f"4HProduct|{fixed.date}|{fixed.time_window}|USDJPY|SPOT"
    with pytest.raises(LookupError):
        fixed.rate("GBP/USD")


def test_a_set_can_be_asked_for_by_id_symbol_and_window(client, recorder):
    (only,) = client.market_data_sets(set_id="RealTimeMDS", symbols="AUD/USD")
    (morning,) = client.market_data_sets(
        set_id=MarketDataSetId.FIXED_PERIOD,
        symbols="EUR/USD",
        date=dt.date(2026, 1, 1),
        time_window="0400-0800",
        tenor="SPOT",
    )

    assert [r.symbol for r in only.rates] == ["AUD/USD"]
    assert (morning.date, morning.time_window) == ("2026-01-01", "0400-0800")
    (docs,) = client.market_data_sets(set_id="4HProduct", time_window="1500-1700")
    assert docs.time_window == "1500-1700"
    recorder.invalid_requests_expected = True  # the window ends before it starts
    with pytest.raises(BadRequest):
        client.market_data_sets(set_id="4HProduct", time_window="1700-1500")


def test_the_end_of_day_and_the_one_week_outright_workflows(client):
    (closing,) = client.market_data_sets(set_id=MarketDataSetId.END_OF_DAY, symbols="EUR/USD")
    (outright,) = client.market_data_sets(symbols=["EUR/USD", "USD/JPY"], tenor="1W")

    assert (closing.id, closing.date, closing.time_window) == ("EndOfDayMDS", "2025-12-31", None)
    assert closing.rate("EUR/USD").rate_id == "EndOfDayMDS|2025-12-31|EURUSD|SPOT"
    assert outright.id == "RealTimeMDS"
    assert [r.rate_id.split("|")[2:4] for r in outright.rates] == [
        ["EURUSD", "1W"],
        ["USDJPY", "1W"],
    ]


def test_a_fixed_period_rate_trades_by_pq_inside_its_window(client):
    rate = client.fixed_period_rate("EUR/USD")

    order = client.wait_for_final(
        client.place_order(OrderRequest.pq(rate, Side.BUY, Decimal(1_000_000))).order_id
    )

    assert order.status is OrderStatus.FILLED
    assert order.rate_id.startswith("4HProduct|")
    assert order.average_price == rate.offer


def test_a_fixed_period_rate_is_rejected_outside_its_window(client, sandbox):
    current = client.fixed_period_rate("EUR/USD")
    earlier = client.fixed_period_rate("EUR/USD", date="2026-01-01", time_window="0400-0800")
    sandbox.clock.advance(4 * HOUR_MS)  # the current window has closed

    for rate in (current, earlier):
        request = OrderRequest.pq(rate, Side.BUY, Decimal(1000))
        with pytest.raises(OrderRejected) as caught:
            client.wait_for_final(client.place_order(request).order_id)
        assert caught.value.order.reason


def test_a_fixed_period_answer_without_the_symbol_is_a_transport_error(client, monkeypatch):
    usd_jpy_only = client.market_data_sets(set_id=MarketDataSetId.FIXED_PERIOD, symbols="USD/JPY")
    monkeypatch.setattr(client, "get_market_data_sets", lambda **_: usd_jpy_only)

    with pytest.raises(TransportError, match="no rate for EUR/USD"):
        client.fixed_period_rate("EUR/USD")
