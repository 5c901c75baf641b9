"""Time from one place: replicas on one PostgreSQL take the database's clock, not their host's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from integral_mock.app import create_app
from integral_mock.clock import MAX_ROUND_TRIP_NS, Reading, ReferenceClock
from integral_mock.config import Config
from tests.helpers import Api, close_app
from tests.pg_cluster import throwaway_database

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

HOUR_MS = 3_600_000
# The sampling round trip on loopback and a test's own steps: far below the hour of skew.
SLACK_MS = 1_000


def _local_ms() -> int:
    return time.time_ns() // 1_000_000


def _reading(ahead_ms: int, round_trip_ns: int = 0) -> Reading:
    """A reference `ahead_ms` ahead of this host, read now with that round trip around it."""
    now = time.time_ns()
    return (now // 1000 + ahead_ms * 1000, now - round_trip_ns // 2, now + round_trip_ns // 2)


def test_the_time_is_the_references_whatever_this_hosts_clock_says() -> None:
    clock = ReferenceClock(lambda: _reading(HOUR_MS))
    assert abs(clock.now_ms() - (_local_ms() + HOUR_MS)) < SLACK_MS


def test_the_offset_is_sampled_again_only_when_its_time_comes() -> None:
    ahead = [HOUR_MS]
    sampled = ReferenceClock(lambda: _reading(ahead[-1]), resample_s=3600)
    sampled.now_ms()
    ahead.append(2 * HOUR_MS)  # the reference moves; a clock sampled an hour at a time does not
    assert abs(sampled.now_ms() - (_local_ms() + HOUR_MS)) < SLACK_MS
    every_call = ReferenceClock(lambda: _reading(ahead[-1]), resample_s=0)
    assert abs(every_call.now_ms() - (_local_ms() + 2 * HOUR_MS)) < SLACK_MS


def test_a_reference_out_of_reach_keeps_the_last_offset() -> None:
    reachable = [True]

    def read() -> Reading:
        if not reachable[0]:
            raise OSError("database gone")
        return _reading(HOUR_MS)

    clock = ReferenceClock(read, resample_s=0)
    clock.now_ms()
    reachable[0] = False
    assert abs(clock.now_ms() - (_local_ms() + HOUR_MS)) < SLACK_MS


def test_a_reading_with_a_slow_round_trip_does_not_move_a_good_offset() -> None:
    readings = [_reading(HOUR_MS)]
    clock = ReferenceClock(lambda: readings[-1], resample_s=0)
    clock.now_ms()
    readings.append(_reading(2 * HOUR_MS, round_trip_ns=2 * MAX_ROUND_TRIP_NS))
    assert abs(clock.now_ms() - (_local_ms() + HOUR_MS)) < SLACK_MS
    readings.append(_reading(2 * HOUR_MS, round_trip_ns=MAX_ROUND_TRIP_NS // 2))
    assert abs(clock.now_ms() - (_local_ms() + 2 * HOUR_MS)) < SLACK_MS


def test_the_time_never_runs_backwards_when_the_offset_shrinks() -> None:
    ahead = [HOUR_MS]
    clock = ReferenceClock(lambda: _reading(ahead[-1]), resample_s=0)
    first = clock.now_ms()
    ahead.append(0)  # the next reading says this host is on time after all
    assert clock.now_ms() >= first
    held = [clock.now_ns() for _ in range(3)]  # held back, and still told apart
    assert held == sorted(set(held))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with throwaway_database("clock") as url:
        yield url


def test_a_replica_on_a_host_an_hour_ahead_quotes_the_databases_time(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host's clock is set an hour ahead (as one replica's might be); the quote's time,
    from which the order's status is derived, is still the database server's."""
    real_ns = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real_ns() + HOUR_MS * 1_000_000)
    app = create_app(Config.default(database=database_url, validate_responses=True))
    try:
        api = Api(app.test_client(), clock=None)  # type: ignore[arg-type]  # no manual clock
        quote = api.spot(api.token())
    finally:
        close_app(app)
        monkeypatch.undo()
    assert abs(quote["time"] - _local_ms()) < SLACK_MS
