"""PQ rules over HTTP: each broken rule is a 202 and then REJECTED (HTTP 200) with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.integral.spec import load_document
from tests.helpers import TRADER_B, Api

NEW_DELAY = 200
FINAL_AFTER = 500
QUOTE_LIFETIME = 60_000

Build = Callable[[Api, str], dict[str, Any]]


@pytest.fixture
def config() -> Config:
    return Config.default(validate_responses=True, delay_jitter_ms=0)


def _unknown_rate(api: Api, token: str) -> dict[str, Any]:
    return api.pq_order(api.spot(token), rateId="2026-01-01-EURUSD-SPOT-ffffffffff")


def _expired(api: Api, token: str) -> dict[str, Any]:
    order = api.pq_order(api.spot(token))
    api.clock.advance(QUOTE_LIFETIME + 1)
    return order


def _symbol_mismatch(api: Api, token: str) -> dict[str, Any]:
    usdjpy = api.spot(token, "USD%2FJPY")
    return api.pq_order(usdjpy, symbol="EUR/USD", currency="EUR")


def _wrong_price(api: Api, token: str) -> dict[str, Any]:
    quote = api.spot(token)
    return api.pq_order(quote, price=quote["bid"])


def _size_over_limit(api: Api, token: str) -> dict[str, Any]:
    quote = api.spot(token)
    return api.pq_order(quote, size=quote["offerLimit"] + 1)


def _term_currency_at_offer(api: Api, token: str) -> dict[str, Any]:
    # Buying USD in EUR/USD sells EUR: the quoted side is the bid, not the offer.
    return api.pq_order(api.spot(token), currency="USD", size=1_000)


def _another_orgs_rate(api: Api, token: str) -> dict[str, Any]:
    return api.pq_order(api.spot(api.token(TRADER_B)))


REJECTIONS: list[tuple[Build, str]] = [
    (_unknown_rate, "UNKNOWN_RATE:"),
    (_expired, "QUOTE_EXPIRED:"),
    (_symbol_mismatch, "SYMBOL_MISMATCH:"),
    (_wrong_price, "PRICE_MISMATCH:"),
    (_size_over_limit, "SIZE_OVER_LIMIT:"),
    (_term_currency_at_offer, "PRICE_MISMATCH:"),
    (_another_orgs_rate, "UNKNOWN_RATE:"),
]


@pytest.mark.parametrize(("build", "reason"), REJECTIONS, ids=lambda v: getattr(v, "__name__", v))
def test_broken_pq_rule_is_accepted_then_rejected_with_a_reason(
    api: Api, clock: ManualClock, build: Build, reason: str
) -> None:
    token = api.token()
    placed = api.placed(token, build(api, token))
    new_at = clock.now_ms() + NEW_DELAY
    assert api.status_at(token, placed["orderId"], new_at - 1) == "RECEIVED"
    clock.advance(1)
    response = api.get(f"/v2/orders/{placed['orderId']}", token)
    assert response.status_code == 200
    assert response.json["status"] == "REJECTED"
    assert response.json["reason"].startswith(reason)
    assert "cumQty" not in response.json


def _at_lifetime(api: Api, token: str) -> dict[str, Any]:
    order = api.pq_order(api.spot(token))
    api.clock.advance(QUOTE_LIFETIME)
    return order


def _at_size_limit(api: Api, token: str) -> dict[str, Any]:
    quote = api.spot(token)
    return api.pq_order(quote, side="Sell", price=quote["bid"], size=quote["bidLimit"])


def _term_currency_at_bid(api: Api, token: str) -> dict[str, Any]:
    quote = api.spot(token)
    return api.pq_order(quote, currency="USD", price=quote["bid"], size=1_000)


@pytest.mark.parametrize(
    "build", [_at_lifetime, _at_size_limit, _term_currency_at_bid], ids=lambda f: f.__name__
)
def test_order_on_the_edge_of_a_rule_fills(api: Api, clock: ManualClock, build: Build) -> None:
    token = api.token()
    order = build(api, token)
    placed = api.placed(token, order)
    clock.advance(FINAL_AFTER)
    filled = api.order(token, placed["orderId"])
    assert filled["status"] == "FILLED"
    assert filled["averagePrice"] == order["price"]
    assert filled["cumQty"] == order["size"]


def test_term_currency_fill_settles_in_the_base(api: Api, clock: ManualClock) -> None:
    token = api.token()
    order = _term_currency_at_bid(api, token)
    order_id = api.placed(token, order)["orderId"]
    clock.advance(FINAL_AFTER)
    filled = api.order(token, order_id)
    assert filled["settlCurrAmt"] == round(order["size"] / order["price"], 2)


PUBLISHED = load_document()["paths"]["/v2/orders"]["post"]["requestBody"]["content"][
    "application/json"
]["examples"]


def test_the_spec_publishes_the_three_integral_order_examples() -> None:
    assert sorted(PUBLISHED) == ["atBestNdf", "limitIoc", "pqFixedPeriod"]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_order_example_is_accepted(api: Api, clock: ManualClock, name: str) -> None:
    example = PUBLISHED[name]["value"]
    token = api.token()
    response = api.place(token, example)
    assert response.status_code == 202
    assert response.json == {
        **example,
        "org": example.get("org", "apiOrganizationId"),
        "orderId": response.json["orderId"],
        "userFullName": "apiUserId@apiOrganizationId",
        "action": "place",
        "status": "RECEIVED",
    }
    clock.advance(10_000)  # whatever becomes of it is the lifecycle's business, but it ends
    assert api.order(token, response.json["orderId"])["status"] in {"FILLED", "REJECTED", "EXPIRED"}
