"""The tutorial's PQ workflow over HTTP, step by step, with exact delay edges."""

from __future__ import annotations

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import Api

NEW_DELAY, FILL_DELAY = 200, 300
FILL_FIELDS = {
    "averagePrice",
    "cumQty",
    "leavesQty",
    "lastPrice",
    "lastQty",
    "execId",
    "executionType",
    "tradeDate",
    "valueDate",
    "settlCurrAmt",
    "counterParty",
    "transactTime",
}


@pytest.fixture
def config() -> Config:
    return Config.default(validate_responses=True, delay_jitter_ms=0)


def test_tutorial_flow_step_by_step(api: Api, clock: ManualClock) -> None:
    # 1. Login: the token comes back as the SSO_TOKEN header.
    login = api.login()
    assert login.status_code == 200
    token = login.headers["SSO_TOKEN"]
    assert login.json == {
        "status": "OK",
        "errorCode": None,
        "responseTuples": None,
        "expiryTime": clock.now_ms() + 30 * 60 * 1000,
        "serverUTCTime": clock.now_ms(),
    }
    # 2. Spot rate by symbol: take the rateId.
    quote = api.spot(token)
    assert quote["symbol"] == "EUR/USD"
    assert 0 < quote["bid"] < quote["offer"]
    assert quote["bidLimit"] > 0
    assert quote["offerLimit"] > 0
    assert quote["time"] == clock.now_ms()
    assert quote["rateId"]
    # 3. Place a PQ FOK order at the quoted offer: 202 RECEIVED, the request echoed.
    order = api.pq_order(quote)
    placed_at = clock.now_ms()
    placed = api.placed(token, order)
    assert placed == {
        **order,
        "org": "apiOrganizationId",
        "orderId": placed["orderId"],
        "userFullName": "apiUserId@apiOrganizationId",
        "action": "place",
        "status": "RECEIVED",
    }
    assert placed["orderId"].isdigit()
    # 4. Poll: RECEIVED until new_at, NEW until fill_at, then FILLED.
    order_id, new_at = placed["orderId"], placed_at + NEW_DELAY
    fill_at = new_at + FILL_DELAY
    assert api.status_at(token, order_id, new_at - 1) == "RECEIVED"
    assert api.status_at(token, order_id, new_at) == "NEW"
    assert api.order(token, order_id) == {**placed, "status": "NEW"}
    assert api.status_at(token, order_id, fill_at - 1) == "NEW"
    assert api.status_at(token, order_id, fill_at) == "FILLED"
    filled = api.order(token, order_id)
    assert set(filled) == set(placed) | FILL_FIELDS
    assert {k: filled[k] for k in placed if k != "status"} == {
        k: v for k, v in placed.items() if k != "status"
    }
    assert filled["cumQty"] == order["size"]
    assert filled["leavesQty"] == 0
    assert filled["averagePrice"] == quote["offer"]
    assert filled["lastPrice"] == quote["offer"]
    assert filled["lastQty"] == order["size"]
    assert filled["execId"] == f"FXI{order_id}"
    assert filled["executionType"] == "TRADE"
    assert filled["tradeDate"] == "2026-01-01"  # the ManualClock starts Thursday 2026-01-01
    assert filled["valueDate"] == "2026-01-05"  # T+2 weekdays: Friday, then Monday
    assert filled["transactTime"] == fill_at
    assert filled["settlCurrAmt"] == round(order["size"] * quote["offer"], 2)
    assert filled["counterParty"]


def test_the_order_is_found_by_coid_and_is_active_until_final(api: Api, clock: ManualClock) -> None:
    token = api.token()
    placed = api.placed(token, api.pq_order(api.spot(token), coId="tutorial-1"))
    assert api.active(token) == [placed]
    clock.advance(NEW_DELAY)
    by_coid = api.get("/v2/orders?coId=tutorial-1", token)
    assert by_coid.status_code == 200
    assert by_coid.json == {**placed, "status": "NEW"}
    assert api.active(token) == [by_coid.json]
    clock.advance(FILL_DELAY)
    assert api.active(token) == []
    assert api.get("/v2/orders?coId=tutorial-1", token).json["status"] == "FILLED"


def test_final_status_stays_final(api: Api, clock: ManualClock) -> None:
    token = api.token()
    order_id = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    clock.advance(NEW_DELAY + FILL_DELAY)
    filled = api.order(token, order_id)
    clock.advance(365 * 24 * 3600 * 1000)
    assert api.order(api.token(), order_id) == filled  # the first token has long expired


def test_rejected_order_goes_received_to_rejected_at_new_at_with_http_200(
    api: Api, clock: ManualClock
) -> None:
    token = api.token()
    quote = api.spot(token)
    placed = api.placed(token, api.pq_order(quote, price=quote["bid"]))
    new_at = clock.now_ms() + NEW_DELAY
    assert api.status_at(token, placed["orderId"], new_at - 1) == "RECEIVED"
    assert "reason" not in api.order(token, placed["orderId"])
    assert api.status_at(token, placed["orderId"], new_at) == "REJECTED"
    rejected = api.order(token, placed["orderId"])
    assert rejected == {**placed, "status": "REJECTED", "reason": rejected["reason"]}
    assert rejected["reason"].startswith("PRICE_MISMATCH:")
    assert api.status_at(token, placed["orderId"], new_at + 10 * FILL_DELAY) == "REJECTED"


@pytest.mark.parametrize(
    "config",
    [
        Config.default(
            validate_responses=True, new_delay_ms=1_000, fill_delay_ms=5_000, delay_jitter_ms=0
        ),
        Config.default(validate_responses=True, new_delay_ms=1, fill_delay_ms=1, delay_jitter_ms=0),
    ],
    ids=["slow", "fast"],
)
def test_configured_delays_set_the_edges(api: Api, clock: ManualClock, config: Config) -> None:
    token = api.token()
    order_id = api.placed(token, api.pq_order(api.spot(token)))["orderId"]
    new_at = clock.now_ms() + config.new_delay_ms
    fill_at = new_at + config.fill_delay_ms
    assert api.status_at(token, order_id, new_at - 1) == "RECEIVED"
    assert api.status_at(token, order_id, new_at) == "NEW"
    assert api.status_at(token, order_id, fill_at - 1) == "NEW"
    assert api.status_at(token, order_id, fill_at) == "FILLED"


@pytest.mark.parametrize(
    "config",
    [
        Config.default(validate_responses=True, new_delay_ms=0, fill_delay_ms=0, delay_jitter_ms=0),
        Config.default(validate_responses=True, new_delay_ms=10, delay_jitter_ms=50),
    ],
    ids=["zero-delays", "jitter-beyond-delay"],
)
def test_the_placement_answer_says_received_whatever_the_delays(api: Api) -> None:
    token = api.token()
    for n in range(20):
        quote = api.spot(token)
        answer = api.place(token, api.pq_order(quote, coId=f"fast-{n}"))
        assert answer.status_code == 202
        assert answer.json["status"] == "RECEIVED"
        assert not FILL_FIELDS & set(answer.json)


@pytest.mark.parametrize("config", [Config.default(validate_responses=True)])
def test_jittered_delays_stay_within_their_bounds(api: Api, clock: ManualClock) -> None:
    token = api.token()
    jitter = 100
    placed_at = clock.now_ms()
    ids = [api.placed(token, api.pq_order(api.spot(token)))["orderId"] for _ in range(10)]
    clock.advance(NEW_DELAY - jitter - 1)
    assert {api.order(token, i)["status"] for i in ids} == {"RECEIVED"}
    clock.advance(placed_at + NEW_DELAY + FILL_DELAY + 2 * jitter - clock.now_ms())
    assert {api.order(token, i)["status"] for i in ids} == {"FILLED"}
    fill_times = {api.order(token, i)["transactTime"] for i in ids}
    assert len(fill_times) > 1  # the jitter is real
