"""Market data sets (real time, fixed period, end of day): their rates, filters and windows,
each rate tried by a PQ order."""

from __future__ import annotations

import pytest

from tests.helpers import Api, assert_error, error_fields
from tests.workflow.rate_trials import json_of, pq_fate
from tests.workflow.support import SETTLE_MS, START_MS

SET_TIMES = ("createdTime", "activationTime", "validUntil", "nextCreationTime", "expirationTime")
WINDOW_START_MS = START_MS - 2 * 3_600_000  # 08:00 UTC: the clock's 10:00 is in 0800-1200
WINDOW_END_MS = WINDOW_START_MS + 4 * 3_600_000
PUBLISHED_RATE_ID = "4HProduct|2022-11-14|0800-1200|EURUSD|SPOT"


def test_market_data_sets_hold_real_time_and_fixed_period_rates(api: Api, token: str) -> None:
    real_time, fixed = json_of(api, token, "/marketdataset")
    assert (real_time["id"], fixed["id"]) == ("RealTimeMDS", "4HProduct")
    assert all(real_time[key] is None for key in ("date", "timeWindow", *SET_TIMES))
    assert len(real_time["rates"]) == len(fixed["rates"]) == 17  # 15 currency pairs, gold, a coin
    assert {r["time"] for r in real_time["rates"]} == {START_MS}
    assert (fixed["date"], fixed["timeWindow"]) == ("2026-01-01", "0800-1200")
    times = [fixed[key] for key in SET_TIMES]
    assert times == [WINDOW_START_MS - 900_000, WINDOW_START_MS, WINDOW_END_MS] + [
        WINDOW_END_MS - 900_000,
        WINDOW_END_MS,
    ]
    eurusd = next(r for r in fixed["rates"] if r["symbol"] == "EUR/USD")
    assert eurusd["rateId"] == "4HProduct|2026-01-01|0800-1200|EURUSD|SPOT"
    assert eurusd["time"] == WINDOW_START_MS


@pytest.mark.parametrize(
    ("query", "ids", "symbols"),
    [
        ("id=RealTimeMDS&symbol=USD%2FJPY", ["RealTimeMDS"], ["USD/JPY"]),
        ("id=4HProduct&symbols=EUR%2FUSD,GBP%2FUSD", ["4HProduct"], ["EUR/USD", "GBP/USD"]),
        ("symbols=EUR%2FGBP&tenor=SPOT", ["RealTimeMDS", "4HProduct"], ["EUR/GBP"]),
    ],
)
def test_market_data_sets_are_filtered_by_id_and_symbols(
    api: Api, token: str, query: str, ids: list[str], symbols: list[str]
) -> None:
    sets = json_of(api, token, f"/marketdataset?{query}")
    assert [s["id"] for s in sets] == ids
    assert all([r["symbol"] for r in s["rates"]] == symbols for s in sets)


def test_a_named_window_answers_that_windows_fixed_rates(api: Api, token: str) -> None:
    path = "/marketdataset?id=4HProduct&symbol=EUR%2FUSD&date=2026-01-01&timeWindow=2000-2400"
    [fixed] = json_of(api, token, path)
    assert (fixed["timeWindow"], fixed["activationTime"]) == ("2000-2400", START_MS + 36_000_000)
    assert fixed["rates"][0]["rateId"] == "4HProduct|2026-01-01|2000-2400|EURUSD|SPOT"


@pytest.mark.parametrize(
    "window", ["1700-1500", "0800-0800", "2400-2400", "0860-0900", "0800-2401", "800-1200"]
)
def test_a_time_window_that_is_not_a_span_of_the_day_is_a_bad_request(
    api: Api, token: str, window: str
) -> None:
    response = api.get(f"/marketdataset?id=4HProduct&timeWindow={window}", token)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert error_fields(body) == {"timeWindow"}


def test_a_reversed_time_window_is_named_in_its_error_not_mistaken_for_the_example(
    api: Api, token: str
) -> None:
    response = api.get("/marketdataset?id=4HProduct&timeWindow=1700-1500", token)
    message = assert_error(response, 400, "INVALID_REQUEST")["errorMessage"]
    assert message.startswith("timeWindow 1700-1500 ")
    assert "e.g. 1500-1700" in message


def test_real_time_set_rates_are_tradable(api: Api, token: str) -> None:
    [real_time] = json_of(api, token, "/marketdataset?id=RealTimeMDS&symbol=EUR%2FUSD")
    assert pq_fate(api, token, real_time["rates"][0])["status"] == "FILLED"


def test_a_fixed_period_rate_trades_at_its_price_inside_its_window(api: Api, token: str) -> None:
    [fixed] = json_of(api, token, "/marketdataset?id=4HProduct&symbol=EUR%2FUSD")
    rate = fixed["rates"][0]
    for side, price in (("Buy", "offer"), ("Sell", "bid")):
        order = pq_fate(api, token, rate, side)
        assert (order["status"], order["averagePrice"]) == ("FILLED", rate[price])
        assert order["rateId"] == rate["rateId"]


@pytest.mark.parametrize("window", ["0400-0800", "1200-1600"])
def test_a_fixed_period_rate_outside_its_window_is_rejected(
    api: Api, token: str, window: str
) -> None:
    query = f"id=4HProduct&symbol=EUR%2FUSD&date=2026-01-01&timeWindow={window}"
    [fixed] = json_of(api, token, f"/marketdataset?{query}")
    order = pq_fate(api, token, fixed["rates"][0])
    assert order["status"] == "REJECTED"
    assert order["reason"].startswith("OUTSIDE_WINDOW: ")


def test_a_fixed_period_rate_is_tradable_until_just_before_its_window_ends(api: Api) -> None:
    api.clock.advance(WINDOW_END_MS - 1 - api.clock.now_ms())
    token = api.token()
    [fixed] = json_of(api, token, "/marketdataset?id=4HProduct&symbol=EUR%2FUSD")
    rate = fixed["rates"][0]
    last = api.placed(token, api.pq_order(rate, coId="at-11:59:59.999", size=rate["offerLimit"]))
    api.clock.advance(1)
    late = api.placed(token, api.pq_order(rate, coId="at-12:00:00.000", size=rate["offerLimit"]))
    api.clock.advance(SETTLE_MS)
    assert api.order(token, last["orderId"])["status"] == "FILLED"
    assert api.order(token, late["orderId"])["reason"].startswith("OUTSIDE_WINDOW: ")


def test_the_published_fixed_period_example_is_rejected_outside_its_window(
    api: Api, token: str
) -> None:
    published = {
        "coId": "pq11233",
        "rateId": PUBLISHED_RATE_ID,
        "currency": "EUR",
        "size": 9000000,
        "type": "PQ",
        "price": 1.1652,
        "side": "Buy",
        "symbol": "EUR/USD",
        "timeInForce": "FOK",
    }
    placed = api.placed(token, published)
    api.clock.advance(SETTLE_MS)
    order = api.order(token, placed["orderId"])
    assert order["status"] == "REJECTED"
    assert order["reason"] == (
        f"OUTSIDE_WINDOW: rateId {PUBLISHED_RATE_ID} is tradable only inside its time window"
    )


DOCS_FIXED_PERIOD_CALL = {  # tutorialfixedperiodmds, with the set's id for its placeholder
    "id": "4HProduct",
    "org": "BNK1-4HOrg",
    "symbol": "EUR/USD",
    "symbols": "EUR/USD,USD/JPY",
    "date": "2024-10-24",
    "tenor": "SPOT",
    "timeWindow": "1500-1700",
}


def test_the_docs_fixed_period_call_answers_its_two_hour_window(api: Api, token: str) -> None:
    [fixed] = api.client.get(
        "/marketdataset", query_string=DOCS_FIXED_PERIOD_CALL, headers={"SSO_TOKEN": token}
    ).json
    assert (fixed["date"], fixed["timeWindow"]) == ("2024-10-24", "1500-1700")
    assert fixed["validUntil"] - fixed["activationTime"] == 2 * 3_600_000
    assert [r["rateId"] for r in fixed["rates"]] == [
        "4HProduct|2024-10-24|1500-1700|EURUSD|SPOT",
        "4HProduct|2024-10-24|1500-1700|USDJPY|SPOT",
    ]


def test_a_rate_of_any_window_trades_inside_it_and_not_after(api: Api, token: str) -> None:
    query = "id=4HProduct&symbol=EUR%2FUSD&timeWindow=0945-1001"  # the clock is at 10:00
    [fixed] = json_of(api, token, f"/marketdataset?{query}")
    inside = pq_fate(api, token, fixed["rates"][0])
    api.clock.advance(60_000)
    after = pq_fate(api, token, fixed["rates"][0])
    assert (inside["status"], after["status"]) == ("FILLED", "REJECTED")
    assert after["reason"].startswith("OUTSIDE_WINDOW: ")


def test_the_end_of_day_set_holds_the_close_of_the_last_business_day(api: Api, token: str) -> None:
    [closing] = json_of(api, token, "/marketdataset?id=EndOfDayMDS&symbol=EUR%2FUSD")
    close_ms = START_MS - 12 * 3_600_000  # 22:00 UTC the day before the clock's 10:00
    assert (closing["date"], closing["timeWindow"], closing["activationTime"]) == (
        "2025-12-31",
        None,
        close_ms,
    )
    [rate] = closing["rates"]
    assert (rate["rateId"], rate["time"]) == ("EndOfDayMDS|2025-12-31|EURUSD|SPOT", close_ms)
    [dated] = json_of(api, token, "/marketdataset?id=EndOfDayMDS&symbol=EUR%2FUSD&date=2024-10-24")
    assert dated["date"] == "2024-10-24"
    # A reference rate: not one a PQ order can trade.
    assert pq_fate(api, token, rate)["reason"].startswith("UNKNOWN_RATE")


def test_today_s_end_of_day_set_is_published_at_the_close(api: Api, token: str) -> None:
    today = "/marketdataset?id=EndOfDayMDS&symbol=EUR%2FUSD&date=2026-01-01"
    assert_error(api.get(today, token), 404, "NOT_FOUND")
    api.clock.advance(12 * 3_600_000)  # 22:00 UTC
    assert json_of(api, api.token(), today)[0]["activationTime"] == START_MS + 12 * 3_600_000


def test_regular_rates_for_several_pairs_one_week_outright(api: Api, token: str) -> None:
    [outright] = json_of(
        api, token, "/marketdataset?id=RealTimeMDS&symbols=EUR/USD,USD/JPY&tenor=1W"
    )
    spot = api.spot(token)
    eurusd, usdjpy = outright["rates"]
    assert (eurusd["symbol"], usdjpy["symbol"]) == ("EUR/USD", "USD/JPY")
    assert eurusd["rateId"] == f"RealTimeMDS|2026-01-01|EURUSD|1W|{START_MS}"
    assert (eurusd["bid"], eurusd["offer"]) == (spot["bid"], spot["offer"])  # no forward points
    [only_regular] = json_of(api, token, "/marketdataset?symbol=EUR%2FUSD&tenor=1W")
    assert only_regular["id"] == "RealTimeMDS"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("id=RealTimeMDS&symbol=EUR%2FUSD&timeWindow=1500-1700", "timeWindow"),
        ("id=EndOfDayMDS&symbol=EUR%2FUSD&timeWindow=1500-1700", "timeWindow"),
        ("id=RealTimeMDS&symbol=EUR%2FUSD&date=2026-01-01", "date"),
        ("id=4HProduct&symbol=EUR%2FUSD&tenor=1W", "tenor"),
        ("id=EndOfDayMDS&symbol=EUR%2FUSD&tenor=1W", "tenor"),
        ("id=RealTimeMDS&symbol=EUR%2FUSD&tenor=2W", "tenor"),
    ],
)
def test_a_parameter_a_workflow_does_not_take_is_a_bad_request(
    api: Api, token: str, query: str, field: str
) -> None:
    response = api.get(f"/marketdataset?{query}", token)
    assert error_fields(assert_error(response, 400, "INVALID_REQUEST")) == {field}
