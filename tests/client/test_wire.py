"""Exact numbers on the wire, models built from JSON as the spec shapes it, order helpers."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from integral_mock.client import (
    Backoff,
    BookType,
    ExecFlag,
    MarketDataSet,
    Order,
    OrderRequest,
    OrderType,
    Side,
    SpotBook,
    SpotRate,
    TimeInForce,
)
from integral_mock.client.results import execution_time, parse_execution_time
from integral_mock.client.wire import dumps, from_wire, loads, number, to_wire

RATE = {
    "symbol": "EUR/USD",
    "bid": 1.1863,
    "offer": 1.18638,
    "bidLimit": 1000000,
    "offerLimit": 1000000,
    "time": 1602536120080,
    "rateId": "2022-11-10-EURUSD-SPOT-435ef73249",
}


def test_numbers_are_read_as_exact_decimals():
    rate = from_wire(SpotRate, loads(dumps(RATE)))

    assert rate.offer == Decimal("1.18638")
    assert rate.bid_limit == Decimal(1_000_000)
    assert rate.time == 1602536120080


@pytest.mark.parametrize(
    ("value", "sent"),
    [("1000000", "1000000"), ("1.18638", "1.18638"), ("0.0001", "0.0001"), ("1E+6", "1000000")],
)
def test_decimals_are_sent_as_the_same_number(value, sent):
    assert dumps({"n": number(Decimal(value))}) == f'{{"n":{sent}}}'.encode()


@pytest.mark.parametrize("value", ["1.00000000000000000001", "NaN", "Infinity"])
def test_a_decimal_that_would_not_travel_exactly_is_refused(value):
    with pytest.raises(ValueError, match="price"):
        number(Decimal(value), "price")


def test_an_order_request_serialises_to_the_specs_names_without_unset_fields():
    rate = from_wire(SpotRate, RATE)
    request = OrderRequest.pq(rate, Side.SELL, Decimal(1000), co_id="pq-1")

    assert to_wire(request) == {
        "type": "PQ",
        "side": "Sell",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1000,
        "price": 1.1863,
        "timeInForce": "FOK",
        "rateId": RATE["rateId"],
        "coId": "pq-1",
    }


def test_pq_takes_side_and_size_as_text_like_the_other_helpers():
    rate = from_wire(SpotRate, RATE)

    as_text = OrderRequest.pq(rate, "Buy", "1000", co_id="pq-1")

    assert as_text == OrderRequest.pq(rate, Side.BUY, Decimal(1000), co_id="pq-1")
    assert (as_text.side, as_text.size, as_text.price) == (Side.BUY, 1000, rate.offer)
    assert rate.price_for("Buy") == rate.offer


def test_a_generated_coid_is_unique():
    make = dict(type=OrderType.LIMIT, side=Side.BUY, symbol="EUR/USD", currency="EUR")
    first = OrderRequest(**make, size=Decimal(1), time_in_force=TimeInForce.IOC)
    second = OrderRequest(**make, size=Decimal(1), time_in_force=TimeInForce.IOC)

    assert first.co_id != second.co_id


def test_unknown_properties_are_ignored_and_null_is_absent():
    rate = from_wire(SpotRate, {**RATE, "venue": "X"})
    order = {
        "coId": "c-1",
        "type": "PQ",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1,
        "orderId": "1",
        "org": "o",
        "userFullName": "u@o",
        "action": "place",
        "status": "NEW",
        "timeInForce": "FOK",
        "reason": None,
    }

    assert rate.symbol == "EUR/USD"
    parsed = from_wire(Order, order)
    assert parsed.reason is None
    assert repr(parsed).startswith("Order(type=<OrderType.PQ")
    assert "reason" not in repr(parsed)


@pytest.mark.parametrize(
    "broken",
    [
        {"time": True},
        {"bid": "1,2"},
        {"symbol": 5},
        {"rateId": None},
        {"bid": "NaN"},
        {"offer": float("inf")},
    ],
)
def test_a_body_that_breaks_the_model_is_refused(broken):
    with pytest.raises((TypeError, ValueError)):
        from_wire(SpotRate, {**RATE, **broken})


def test_backoff_doubles_up_to_its_cap_with_jitter_in_the_upper_half():
    backoff = Backoff(first=0.1, cap=1.0)
    rng = random.Random(7)

    delays = [backoff.delay(attempt, rng) for attempt in range(8)]

    ceilings = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays[4:])) == 4  # jittered, not one fixed value


def test_order_helpers_fill_in_type_time_in_force_currency_and_a_coid():
    limit = OrderRequest.limit("USD/JPY", "Sell", "1000", "151.25")
    stop = OrderRequest.stop("EUR/USD", Side.BUY, 1000, "1.2", price="1.21", co_id="s-1")
    at_best = OrderRequest.at_best("USD/INR", "Buy", 10, dt.date(2026, 1, 5))

    assert to_wire(limit) == {
        "coId": limit.co_id,
        "type": "Limit",
        "timeInForce": "GTC",
        "side": "Sell",
        "symbol": "USD/JPY",
        "currency": "USD",
        "size": 1000,
        "price": 151.25,
    }
    assert limit.co_id.startswith("c-")
    assert (stop.co_id, stop.stop_price, stop.price) == ("s-1", Decimal("1.2"), Decimal("1.21"))
    assert stop.exec_flags == (ExecFlag.MID_TRIGGER,)
    assert (at_best.value_date, at_best.time_in_force) == ("2026-01-05", TimeInForce.FOK)


@pytest.mark.parametrize(
    ("tif", "expiry"), [(TimeInForce.GTT, None), (TimeInForce.GTC, 60), (TimeInForce.IOC, 60)]
)
def test_expiry_time_goes_with_gtt_only(tif, expiry):
    with pytest.raises(ValueError, match="GTT"):
        OrderRequest.limit("EUR/USD", "Buy", 1, "1.1", time_in_force=tif, expiry_time=expiry)


def test_json_nan_and_infinity_are_no_price():
    with pytest.raises(ValueError, match="NaN is no JSON"):
        loads(dumps(RATE).replace(b"1.18638", b"NaN"))
    with pytest.raises(ValueError, match="finite"):
        from_wire(SpotRate, {**RATE, "bid": float("nan")})
    with pytest.raises(ValueError, match="not a number"):
        OrderRequest.limit("EUR/USD", "Buy", 1000, "Infinity")
    with pytest.raises(ValueError, match="finite"):
        OrderRequest.limit("EUR/USD", "Buy", 1000, Decimal("Infinity"))


def test_an_option_given_as_none_takes_its_default_as_in_pq():
    market = OrderRequest.market("EUR/USD", "Buy", 1, "1.1", currency=None, co_id=None)

    assert (market.currency, market.co_id[:2]) == ("EUR", "c-")
    assert to_wire(market)["currency"] == "EUR"


def test_an_unknown_option_is_refused():
    with pytest.raises(TypeError):
        OrderRequest.market("EUR/USD", "Buy", 1, "1.1", colour="red")


def test_a_book_is_read_with_its_levels_as_tradable_rates():
    level = {**RATE, "provider": "LP-Alpha"}
    book = from_wire(
        SpotBook, {"symbol": "EUR/USD", "type": "FULL", "time": 1, "levels": [level, level]}
    )

    assert book.type is BookType.FULL
    assert book.best.provider == "LP-Alpha"
    assert OrderRequest.pq(book.best, Side.BUY, Decimal(1)).price == Decimal("1.18638")
    with pytest.raises(ValueError, match="levels"):
        from_wire(SpotBook, {"symbol": "EUR/USD", "type": "FULL", "time": 1, "levels": {}})


def test_a_data_set_reads_null_times_as_absent():
    data = {
        "id": "RealTimeMDS",
        "date": None,
        "timeWindow": None,
        "name": "Real-time market data",
        "createdTime": None,
        "activationTime": None,
        "validUntil": None,
        "nextCreationTime": None,
        "expirationTime": None,
        "rates": [RATE],
    }

    data_set = from_wire(MarketDataSet, data)

    assert data_set.valid_until is None
    assert data_set.rate("EUR/USD").rate_id == RATE["rateId"]


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            dt.datetime(2024, 10, 24, 15, 30, 0, 123456, tzinfo=dt.UTC),
            "2024-10-24 15:30:00,123 +0000",
        ),
        (
            dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2024-01-02 03:04:05,000 -0500",
        ),
    ],
)
def test_execution_times_are_integrals_format_both_ways(moment, text):
    assert execution_time(moment) == text
    assert parse_execution_time(text) == moment.replace(
        microsecond=moment.microsecond // 1000 * 1000
    )
