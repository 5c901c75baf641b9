"""State: a restart on the same file keeps orders; seeds replay; two apps share nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import Api, assert_error, close_app

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


@contextmanager
def sandbox(config: Config, clock: ManualClock | None = None) -> Iterator[Api]:
    """A whole app for as long as the block runs, then closed (as a stopped server is)."""
    clock = clock or ManualClock()
    app = create_app(config, clock=clock)
    try:
        yield Api(app.test_client(), clock)
    finally:
        close_app(app)


def _file_config(tmp_path: Path) -> Config:
    return Config.default(validate_responses=True, database=str(tmp_path / "state.sqlite3"))


def test_a_restart_on_the_same_file_keeps_every_order(tmp_path: Path) -> None:
    config, clock = _file_config(tmp_path), ManualClock()
    with sandbox(config, clock) as first:
        token = first.token()
        filled = first.placed(token, first.pq_order(first.spot(token), coId="before-1"))
        clock.advance(10_000)
        filled = first.order(token, filled["orderId"])
        working = first.placed(token, first.pq_order(first.spot(token), coId="before-2"))
    assert filled["status"] == "FILLED"
    with sandbox(config, clock) as second:
        token = second.token()
        assert second.order(token, filled["orderId"]) == filled
        assert second.order(token, working["orderId"]) == working
        assert second.get("/v2/orders?coId=before-1", token).json == filled
        assert second.active(token) == [working]
        duplicate = second.place(token, second.pq_order(second.spot(token), coId="before-1"))
        assert_error(duplicate, 400, "DUPLICATE_COID")


def test_after_a_restart_new_quotes_and_orders_get_fresh_ids(tmp_path: Path) -> None:
    config, clock = _file_config(tmp_path), ManualClock()
    with sandbox(config, clock) as first:
        token = first.token()
        quote = first.spot(token)
        before = first.placed(token, first.pq_order(quote))
    with sandbox(config, clock) as second:  # same seed, same day: the same ids come up again
        token = second.token()
        again = second.spot(token)
        assert again["rateId"] != quote["rateId"]
        after = second.placed(token, second.pq_order(again))
        assert int(after["orderId"]) == int(before["orderId"]) + 1
        clock.advance(10_000)
        assert second.order(token, after["orderId"])["status"] == "FILLED"


def _session(api: Api) -> dict[str, Any]:
    """A fixed script of calls; what it returns depends only on the seed and the clock."""
    token = api.token()
    quotes = [api.spot(token, symbol) for symbol in ("EUR%2FUSD", "USD%2FJPY", "EUR%2FUSD")]
    ids = [api.placed(token, api.pq_order(q))["orderId"] for q in quotes]
    api.clock.advance(10_000)
    return {"quotes": quotes, "orders": [api.order(token, i) for i in ids]}


def test_the_same_seed_replays_rate_ids_prices_and_orders() -> None:
    config = Config.default(validate_responses=True, seed=42)
    with sandbox(config) as one, sandbox(config) as two:
        first, second = _session(one), _session(two)
    assert first == second
    assert len({q["rateId"] for q in first["quotes"]}) == 3
    assert [o["status"] for o in first["orders"]] == ["FILLED"] * 3
    with sandbox(config.replace(seed=43)) as other:
        third = _session(other)
    assert [q["rateId"] for q in third["quotes"]] != [q["rateId"] for q in first["quotes"]]
    assert [q["bid"] for q in third["quotes"]] != [q["bid"] for q in first["quotes"]]


def test_two_apps_in_one_process_share_nothing() -> None:
    config = Config.default(validate_responses=True)
    with sandbox(config) as one, sandbox(config) as two:
        token_one = one.token()
        placed = one.placed(token_one, one.pq_order(one.spot(token_one), coId="only-in-one"))
        assert_error(two.get("/v2/orders", token_one), 401, "TOKEN_INVALID")
        token_two = two.token()
        assert_error(two.get(f"/v2/orders/{placed['orderId']}", token_two), 404, "NOT_FOUND")
        assert two.active(token_two) == []
        theirs = two.placed(token_two, two.pq_order(two.spot(token_two), coId="only-in-one"))
        assert theirs["orderId"] == placed["orderId"]  # each app numbers its own orders
        one.clock.advance(10_000)
        assert one.order(token_one, placed["orderId"])["status"] == "FILLED"
        assert two.order(token_two, theirs["orderId"])["status"] == "RECEIVED"
