"""The previously-quoted rules, unit by unit, against a quote and a manual clock."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from integral_mock.clock import ManualClock
from integral_mock.exchange.market.rates import PAIRS, Quote
from integral_mock.exchange.orders.pq import base_amount, pq_rejection
from integral_mock.exchange.orders.ticket import Ticket

EURUSD = PAIRS["EUR/USD"]
LIFETIME = 60_000


@pytest.fixture
def quote(clock: ManualClock) -> Quote:
    return Quote(
        rate_id="2026-01-01-EURUSD-SPOT-0000000001",
        org="apiOrganizationId",
        symbol="EUR/USD",
        bid=Decimal("1.10000"),
        offer=Decimal("1.10010"),
        bid_limit=1_000_000,
        offer_limit=2_000_000,
        issued_ms=clock.now_ms(),
    )


def _order(**changes: Any) -> Ticket:
    order = {
        "coId": "pq-1",
        "type": "PQ",
        "timeInForce": "FOK",
        "rateId": "2026-01-01-EURUSD-SPOT-0000000001",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1_000_000,
        "price": 1.1001,
    }
    return Ticket.parse({**order, **changes}, EURUSD)


def _rejection(order: Ticket, quote: Quote | None, clock: ManualClock) -> str | None:
    return pq_rejection(order, quote, clock.now_ms(), LIFETIME)


@pytest.mark.parametrize(
    ("side", "currency", "expected"),
    [
        ("Buy", "EUR", "offer"),
        ("Sell", "EUR", "bid"),
        ("Buy", "USD", "bid"),
        ("Sell", "USD", "offer"),
    ],
)
def test_quoted_side_flips_when_dealing_the_term_currency(
    side: str, currency: str, expected: str
) -> None:
    assert _order(side=side, currency=currency).quoted_side == expected


def test_base_amount_converts_a_term_size_at_the_price() -> None:
    assert base_amount(_order(), Decimal("1.1")) == 1_000_000
    assert base_amount(_order(currency="USD", size=1_100_000), Decimal("1.1")) == 1_000_000


def test_an_order_at_the_quote_trades(quote: Quote, clock: ManualClock) -> None:
    assert _rejection(_order(), quote, clock) is None


def test_unknown_rate_is_rejected(clock: ManualClock) -> None:
    reason = _rejection(_order(), None, clock)
    assert reason is not None
    assert reason.startswith("UNKNOWN_RATE:")


def test_quote_is_tradable_until_its_lifetime_and_expired_one_ms_later(
    quote: Quote, clock: ManualClock
) -> None:
    clock.advance(LIFETIME)
    assert _rejection(_order(), quote, clock) is None
    clock.advance(1)
    reason = _rejection(_order(), quote, clock)
    assert reason is not None
    assert reason.startswith("QUOTE_EXPIRED:")
    assert f"{LIFETIME + 1} ms old" in reason


def test_quote_for_another_symbol_is_rejected(quote: Quote, clock: ManualClock) -> None:
    usdjpy = dataclasses.replace(quote, symbol="USD/JPY")
    reason = _rejection(_order(), usdjpy, clock)
    assert reason is not None
    assert reason.startswith("SYMBOL_MISMATCH:")


@pytest.mark.parametrize(
    ("changes", "quoted"),
    [
        ({"price": 1.1}, "offer 1.10010"),  # a buyer of EUR must pay the offer
        ({"side": "Sell", "price": 1.1001}, "bid 1.10000"),  # a seller of EUR gets the bid
        ({"currency": "USD", "price": 1.1001}, "bid 1.10000"),  # buying USD sells EUR
        ({"side": "Sell", "currency": "USD", "price": 1.1}, "offer 1.10010"),
        ({"price": 1.10011}, "offer 1.10010"),  # off by a tenth of a pip is still wrong
    ],
)
def test_price_other_than_the_quoted_side_is_rejected(
    quote: Quote, clock: ManualClock, changes: dict[str, Any], quoted: str
) -> None:
    reason = _rejection(_order(**changes), quote, clock)
    assert reason is not None
    assert reason.startswith("PRICE_MISMATCH:")
    assert reason.endswith(quoted)


@pytest.mark.parametrize(
    "changes",
    [
        {"side": "Sell", "price": 1.1},
        {"currency": "USD", "price": 1.1},
        {"side": "Sell", "currency": "USD"},
    ],
)
def test_the_term_currency_side_flip_trades_at_the_flipped_side(
    quote: Quote, clock: ManualClock, changes: dict[str, Any]
) -> None:
    assert _rejection(_order(**changes), quote, clock) is None


@pytest.mark.parametrize(
    ("changes", "trades"),
    [
        ({"size": 2_000_000}, True),  # exactly the offer limit
        ({"size": 2_000_001}, False),
        ({"side": "Sell", "price": 1.1, "size": 1_000_000}, True),  # exactly the bid limit
        ({"side": "Sell", "price": 1.1, "size": 1_000_001}, False),
        ({"currency": "USD", "price": 1.1, "size": 1_100_000}, True),  # 1M EUR at the bid
        ({"currency": "USD", "price": 1.1, "size": 1_100_001}, False),
    ],
)
def test_size_is_checked_against_that_sides_limit_in_base(
    quote: Quote, clock: ManualClock, changes: dict[str, Any], trades: bool
) -> None:
    reason = _rejection(_order(**changes), quote, clock)
    if trades:
        assert reason is None
    else:
        assert reason is not None
        assert reason.startswith("SIZE_OVER_LIMIT:")


def test_expiry_is_checked_before_price(quote: Quote, clock: ManualClock) -> None:
    clock.advance(LIFETIME + 1)
    reason = _rejection(_order(price=1.0), quote, clock)
    assert reason is not None
    assert reason.startswith("QUOTE_EXPIRED:")
