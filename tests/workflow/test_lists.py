"""The active list, cancel-all and the trade download at the listing index's edges, over HTTP."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.control.support import api_of, made_app
from tests.helpers import Api
from tests.workflow.support import SETTLE_MS, Market, new_order, pips

FAR = 500  # pips away: a resting order there does not fill in any test's time


def _active_ids(api: Api, token: str) -> list[str]:
    return [o["orderId"] for o in api.active(token)]


def _download(api: Api, token: str, max_count: int = 50) -> list[dict[str, Any]]:
    response = api.get(f"/v2/trades/stp/messages?maxCount={max_count}", token)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def _place(api: Api, token: str, order: dict[str, Any], **headers: str) -> str:
    response = api.client.post("/v2/orders", json=order, headers={"SSO_TOKEN": token, **headers})
    assert response.status_code == 202, response.json
    return str((response.json or {})["orderId"])


def _far_gtc(api: Api, token: str) -> dict[str, Any]:
    return new_order("Limit", "GTC", price=pips(api.spot(token)["offer"], -FAR))


def test_an_order_final_exactly_now_leaves_the_active_list_and_joins_the_download(
    api: Api, token: str
) -> None:
    placed = api.clock.now_ms()
    order_id = _place(
        api, token, api.pq_order(api.spot(token)), **{"X-Sandbox-Fill-Delay-Ms": "5000"}
    )
    api.clock.advance(placed + 4999 - api.clock.now_ms())
    assert _active_ids(api, token) == [order_id]
    assert _download(api, token) == []
    api.clock.advance(1)  # the final step's own millisecond
    assert _active_ids(api, token) == []
    assert [t["orderId"] for t in _download(api, token)] == [order_id]


def test_a_resting_order_the_market_fills_later_is_listed_by_what_the_market_did(
    api: Api, token: str, market: Market
) -> None:
    seconds = market.seconds(api.clock.now_ms(), 60)
    offers = [q["offer"] for q in seconds]
    cross = seconds[offers.index(min(offers))]["time"]
    order_id = api.placed(token, new_order("Limit", "GTC", price=min(offers)))["orderId"]
    api.clock.advance(cross - 1 - api.clock.now_ms())
    assert _active_ids(api, token) == [order_id]
    api.clock.advance(1)
    # Nobody read the order itself: the lists match it against the market first.
    trades = _download(api, token)
    assert [(t["orderId"], t["dealtAmount"]) for t in trades] == [(order_id, 1_000_000)]
    assert _active_ids(api, token) == []


def test_a_polled_order_is_active_until_the_read_that_makes_it_final(api: Api, token: str) -> None:
    order_id = _place(
        api, token, api.pq_order(api.spot(token)), **{"X-Sandbox-Progression": "polls:3"}
    )
    api.clock.advance(SETTLE_MS)
    assert _active_ids(api, token) == [order_id]  # read 1
    assert _download(api, token) == []  # looking at trades is no read
    assert api.order(token, order_id)["status"] != "FILLED"  # read 2
    assert api.order(token, order_id)["status"] == "FILLED"  # read 3
    assert _active_ids(api, token) == []
    assert [t["orderId"] for t in _download(api, token)] == [order_id]


def test_cancelled_orders_leave_the_lists_and_a_part_filled_one_keeps_its_trade(
    api: Api, token: str, market: Market
) -> None:
    placed = api.clock.now_ms()
    first, _ = market.seconds(placed, 2)
    # More than a second of quoted size, at a limit the market meets: it fills in parts.
    part = new_order("Limit", "GTC", size=30_000_000, price=pips(first["offer"], 50))
    part_id = api.placed(token, part)["orderId"]
    resting = [api.placed(token, _far_gtc(api, token))["orderId"] for _ in range(3)]
    api.clock.advance(first["time"] - api.clock.now_ms())
    assert _active_ids(api, token) == [part_id, *resting]
    cancel = api.client.delete(f"/v2/orders/{resting[0]}", headers={"SSO_TOKEN": token})
    assert cancel.status_code == 202, cancel.json
    assert _active_ids(api, token) == [part_id, *resting[1:]]
    response = api.client.delete("/v2/orders", headers={"SSO_TOKEN": token})
    assert response.status_code == 202, response.json
    assert _active_ids(api, token) == []
    api.clock.advance(10_000)  # later seconds would have filled more, had it not been cancelled
    trades = _download(api, token)
    assert [(t["orderId"], t["dealtAmount"]) for t in trades] == [(part_id, first["offerLimit"])]
    assert api.order(token, part_id)["transactTime"] == first["time"]
    again = api.client.delete("/v2/orders", headers={"SSO_TOKEN": token})
    assert again.status_code == 202, again.json
    assert _download(api, token) == []


def test_new_trades_come_after_many_delivered_ones_oldest_first(api: Api, token: str) -> None:
    for _ in range(30):
        api.placed(token, api.pq_order(api.spot(token)))
    api.clock.advance(SETTLE_MS)
    assert len(_download(api, token, 1000)) == 30
    late = [api.placed(token, api.pq_order(api.spot(token)))["orderId"]]
    api.clock.advance(SETTLE_MS)
    late.append(api.placed(token, api.pq_order(api.spot(token)))["orderId"])
    assert [t["orderId"] for t in _download(api, token, 1)] == late[:1]  # the other not yet done
    api.clock.advance(SETTLE_MS)
    assert [t["orderId"] for t in _download(api, token, 1)] == late[1:]
    assert _download(api, token) == []


@pytest.mark.own_engine  # a SQLite state file of an older version
def test_a_state_file_from_before_the_listing_columns_is_listed_as_it_stands(
    tmp_path: Path,
) -> None:
    config = Config.default(validate_responses=True, database=str(tmp_path / "state.db"))
    clock = ManualClock()
    with made_app(config, clock=clock) as app:
        api = api_of(app)
        token = api.token()
        done = [api.placed(token, api.pq_order(api.spot(token)))["orderId"] for _ in range(3)]
        api.clock.advance(SETTLE_MS)
        by_time = sorted(done, key=lambda i: (api.order(token, i)["transactTime"], i))
        assert [t["orderId"] for t in _download(api, token, 1)] == by_time[:1]
        resting = api.placed(token, _far_gtc(api, token))["orderId"]
    _drop_listing_columns(tmp_path / "state.db")
    with made_app(config, clock=clock) as app:
        api = api_of(app)
        token = api.token()
        assert _active_ids(api, token) == [resting]
        assert [t["orderId"] for t in _download(api, token)] == by_time[1:]


def _drop_listing_columns(path: Path) -> None:
    """Make the file what an older sandbox wrote: no listing columns, none of their indexes,
    no recorded schema version."""
    db = sqlite3.connect(path)
    db.execute("DROP TABLE schema_version")
    for index in ("orders_open", "orders_by_final", "orders_undelivered"):
        db.execute(f"DROP INDEX {index}")
    for column in ("final_ms", "final_status", "trade_ms", "delivered"):
        db.execute(f"ALTER TABLE orders DROP COLUMN {column}")
    db.commit()
    db.close()
