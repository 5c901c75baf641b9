"""Order sizes and value dates a venue can settle: finer sizes and weekend dates are refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api
from tests.workflow.support import new_order, settled


def _market(api: Api, token: str, symbol: str, currency: str, size: float) -> dict[str, Any]:
    quote = api.spot(token, symbol.replace("/", "%2F"))
    order = new_order("Market", "IOC", symbol=symbol, currency=currency, size=size)
    placed = api.placed(token, {**order, "price": quote["offer"]})
    return settled(api, token, placed["orderId"])


@pytest.mark.parametrize(
    ("symbol", "currency", "size", "units"),
    [
        ("EUR/USD", "EUR", 1_000_000.001, 2),
        ("EUR/USD", "USD", 0.001, 2),
        ("USD/JPY", "JPY", 150_000_000.5, 0),
    ],
)
def test_a_size_finer_than_its_currency_is_rejected_with_a_reason(
    api: Api, token: str, symbol: str, currency: str, size: float, units: int
) -> None:
    order = _market(api, token, symbol, currency, size)
    assert order["status"] == "REJECTED"
    assert order["reason"].startswith(f"SIZE_PRECISION: {currency} amounts have at most {units} ")
    assert "cumQty" not in order
    assert api.get(f"/v2/orders/{order['orderId']}/trades", token).json == []


@pytest.mark.parametrize(
    ("symbol", "currency", "size"),
    [("EUR/USD", "EUR", 1_000_000.01), ("USD/JPY", "JPY", 150_000_000)],
)
def test_a_size_at_its_currency_precision_fills(
    api: Api, token: str, symbol: str, currency: str, size: float
) -> None:
    order = _market(api, token, symbol, currency, size)
    assert order["status"] == "FILLED"
    assert order["cumQty"] == size


@pytest.mark.parametrize("value_date", ["2026-01-10", "2026-01-11"])
def test_a_value_date_on_a_weekend_is_rejected_with_a_reason(
    api: Api, token: str, value_date: str
) -> None:
    # FX settles on weekdays: no AtBest (or any order) can value on a Saturday or Sunday.
    fok = new_order("AtBest", "FOK", valueDate=value_date)
    order = settled(api, token, api.placed(token, fok)["orderId"])
    assert order["status"] == "REJECTED"
    assert order["reason"].startswith(f"VALUE_DATE: {value_date} is a ")
    assert "cumQty" not in order


def test_a_value_date_on_a_weekday_fills(api: Api, token: str) -> None:
    fok = new_order("AtBest", "FOK", valueDate="2026-01-09")  # a Friday
    order = settled(api, token, api.placed(token, fok)["orderId"])
    assert (order["status"], order["valueDate"]) == ("FILLED", "2026-01-09")
