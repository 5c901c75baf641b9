"""Exact numbers on the wire, and models built from JSON as the spec shapes it."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from client import Backoff, Order, OrderRequest, OrderType, Side, SpotRate, TimeInForce
from client.wire import dumps, from_wire, loads, number, to_wire

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
        "reason": None,
    }

    assert rate.symbol == "EUR/USD"
    parsed = from_wire(Order, order)
    assert parsed.reason is None
    assert repr(parsed).startswith("Order(type=<OrderType.PQ")
    assert "reason" not in repr(parsed)


@pytest.mark.parametrize(
    "broken",
    [{"time": True}, {"bid": "1,2"}, {"symbol": 5}, {"rateId": None}],
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
