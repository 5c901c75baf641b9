"""Books by type (TOB, FULL, RAW): provider levels best first, each level tried by a PQ order;
another org's book is forbidden."""

from __future__ import annotations

import pytest

from tests.helpers import TRADER_B, Api, assert_error
from tests.workflow.rate_trials import json_of, pq_fate

SPOT_KEYS = {"symbol", "bid", "offer", "bidLimit", "offerLimit", "time", "rateId"}


@pytest.mark.parametrize("org", ["", "/apiOrganizationId"])
@pytest.mark.parametrize("book_type", ["FULL", "RAW"])
def test_a_book_lists_provider_levels_best_first_from_the_top_of_book(
    api: Api, token: str, book_type: str, org: str
) -> None:
    top = api.spot(token)
    book = json_of(api, token, f"/v2/rates/spot/{book_type}{org}?symbol=EUR%2FUSD")
    assert (book["symbol"], book["type"], book["time"]) == ("EUR/USD", book_type, top["time"])
    levels = book["levels"]
    assert len(levels) > 1
    assert all(set(level) == SPOT_KEYS | {"provider"} for level in levels)
    bids, offers = [lv["bid"] for lv in levels], [lv["offer"] for lv in levels]
    assert bids == sorted(set(bids), reverse=True)  # strictly worse at each level
    assert offers == sorted(set(offers))
    assert (bids[0], offers[0]) == (top["bid"], top["offer"])
    assert (
        len({lv["rateId"] for lv in levels})
        == len({lv["provider"] for lv in levels})
        == len(levels)
    )


@pytest.mark.parametrize("side", ["Buy", "Sell"])
def test_every_level_is_tradable_at_its_own_price_and_size(api: Api, token: str, side: str) -> None:
    levels = json_of(api, token, "/v2/rates/spot/FULL?symbol=EUR%2FUSD")["levels"]
    price = "offer" if side == "Buy" else "bid"
    for level in levels:
        order = pq_fate(api, token, level, side)
        assert order["status"] == "FILLED", order.get("reason")
        assert order["averagePrice"] == level[price]
        assert order["cumQty"] == level[f"{price}Limit"]
    # The deeper levels quote more than the top: their size would be refused on the top's rate.
    assert levels[-1][f"{price}Limit"] > levels[0][f"{price}Limit"]


def test_a_level_rate_id_holds_only_that_levels_price_and_size(api: Api, token: str) -> None:
    top, second = json_of(api, token, "/v2/rates/spot/FULL?symbol=EUR%2FUSD")["levels"][:2]
    at_top_price = pq_fate(api, token, second, price=top["offer"], size=top["offerLimit"])
    assert at_top_price["reason"].startswith("PRICE_MISMATCH: ")
    oversized = pq_fate(api, token, top, size=second["offerLimit"])
    assert oversized["reason"].startswith("SIZE_OVER_LIMIT: ")
    assert at_top_price["status"] == oversized["status"] == "REJECTED"


@pytest.mark.parametrize("org", ["", "/apiOrganizationId"])
def test_tob_answers_a_tradable_spot_rate(api: Api, token: str, org: str) -> None:
    rate = json_of(api, token, f"/v2/rates/spot/TOB{org}?symbol=EUR%2FUSD")
    assert set(rate) == SPOT_KEYS
    assert pq_fate(api, token, rate)["status"] == "FILLED"


@pytest.mark.parametrize("book_type", ["TOB", "FULL", "RAW"])
def test_another_orgs_book_is_forbidden(api: Api, token: str, book_type: str) -> None:
    response = api.get(f"/v2/rates/spot/{book_type}/orgB?symbol=EUR%2FUSD", token)
    assert_error(response, 403, "FORBIDDEN")
    token_b = api.token(TRADER_B)
    assert json_of(api, token_b, f"/v2/rates/spot/{book_type}/orgB?symbol=EUR%2FUSD")


def test_a_book_of_an_unknown_type_or_pair_is_refused(api: Api, token: str) -> None:
    assert_error(api.get("/v2/rates/spot/DEEP?symbol=EUR%2FUSD", token), 400, "INVALID_REQUEST")
    assert_error(api.get("/v2/rates/spot/FULL?symbol=XAU%2FXAG", token), 404, "UNKNOWN_SYMBOL")
