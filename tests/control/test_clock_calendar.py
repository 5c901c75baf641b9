"""The manual clock stops short of the calendar's end: an advance past it is a 400 naming `ms`
that moves nothing, where it was stored and made every later answer showing a date a 500."""

from __future__ import annotations

import datetime as dt

import pytest

from integral_mock.clock import LATEST_MS, ManualClock
from tests.control.support import Admin
from tests.helpers import Api, assert_error

YEAR_MS = 31_536_000_000  # the most one advance may ask for (sandbox.yaml)


@pytest.fixture
def clock() -> ManualClock:
    """Near the end: a day short of the latest time the clock may show."""
    return ManualClock(LATEST_MS - 86_400_000)


def test_an_advance_past_the_calendar_is_refused_and_moves_nothing(
    api: Api, admin: Admin, clock: ManualClock
) -> None:
    token = api.token()
    placed = api.placed(token, api.pq_order(api.spot(token)))
    before = admin.ok("GET", "/clock")
    body = assert_error(
        admin.call("POST", "/clock/advance", {"ms": YEAR_MS}), 400, "INVALID_REQUEST"
    )
    assert body["responseTuples"] == [
        {"field": "ms", "message": "would move the clock past 8999-01-01, the latest it goes"}
    ]
    # Nothing moved, and everything still answers: the clock, rates, the order, the download.
    assert admin.ok("GET", "/clock") == before
    assert api.spot(token)["symbol"] == "EUR/USD"
    admin.ok("POST", "/clock/advance", {"ms": 60_000})  # what fits still moves it
    assert api.order(token, placed["orderId"])["status"] == "FILLED"
    assert api.get("/v2/trades/stp/messages", token).status_code == 200


def test_the_latest_time_leaves_the_calendar_room(clock: ManualClock) -> None:
    """A value date (a week's tenor, a weekend, holidays) beyond it still fits in the spec's
    dates (years up to 9000); one millisecond past it is refused, the latest itself is not."""
    latest = dt.datetime.fromtimestamp(LATEST_MS / 1000, dt.UTC)
    assert latest + dt.timedelta(days=14) < dt.datetime(9001, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="past 8999-01-01"):
        clock.advance(86_400_001)
    assert clock.advance(86_400_000) == LATEST_MS
    with pytest.raises(ValueError, match="cannot start past 8999-01-01"):
        ManualClock(LATEST_MS + 1)  # it showed year 9004 where an advance there was refused
