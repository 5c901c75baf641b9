"""The order state machine: every transition, the edges of each delay, illegal schedules."""

from __future__ import annotations

import pytest

from integral_mock.clock import ManualClock
from integral_mock.exchange.orders import lifecycle
from integral_mock.exchange.orders.lifecycle import (
    CANCELLED,
    EXPIRED,
    FILLED,
    NEW,
    PARTIALLY_FILLED,
    RECEIVED,
    REJECTED,
    TRANSITIONS,
    Schedule,
    Step,
)

LEGAL = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
ILLEGAL = sorted((a, b) for a in TRANSITIONS for b in TRANSITIONS if b not in TRANSITIONS[a])


def test_table_covers_every_status_and_finals_are_dead_ends() -> None:
    statuses = {RECEIVED, NEW, PARTIALLY_FILLED, FILLED, REJECTED, EXPIRED, CANCELLED}
    assert set(TRANSITIONS) == statuses
    assert statuses == lifecycle.FINAL | lifecycle.ACTIVE
    assert all(TRANSITIONS[s] == frozenset() for s in lifecycle.FINAL)
    assert all(RECEIVED not in targets for targets in TRANSITIONS.values())


def _path_to(status: str) -> list[Step]:
    """The shortest legal steps from RECEIVED to `status`, one millisecond apart."""
    path = {
        RECEIVED: [RECEIVED],
        NEW: [RECEIVED, NEW],
        PARTIALLY_FILLED: [RECEIVED, NEW, PARTIALLY_FILLED],
    }
    return [Step(i, s) for i, s in enumerate(path[status])]


@pytest.mark.parametrize(("before", "after"), LEGAL)
def test_every_legal_transition_is_accepted_and_takes_effect_at_its_time(
    before: str, after: str
) -> None:
    steps = _path_to(before)
    at = steps[-1].at_ms + 10
    schedule = Schedule([*steps, Step(at, after)])
    assert schedule.status_at(at - 1) == before
    assert schedule.status_at(at) == after
    assert schedule.final == Step(at, after)


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_every_illegal_transition_is_refused(before: str, after: str) -> None:
    steps = _path_to(before) if before in lifecycle.ACTIVE else [*_path_to(NEW), Step(5, before)]
    with pytest.raises(ValueError, match="illegal transition"):
        Schedule([*steps, Step(99, after)])


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "starts with RECEIVED"),
        ([Step(0, NEW)], "starts with RECEIVED"),
        ([Step(0, FILLED)], "starts with RECEIVED"),
        ([Step(0, RECEIVED), Step(0, RECEIVED)], "illegal transition"),
        ([Step(0, RECEIVED), Step(5, FILLED)], "illegal transition RECEIVED -> FILLED"),
        ([Step(0, RECEIVED), Step(5, NEW), Step(4, FILLED)], "in time"),
        ([Step(0, RECEIVED), Step(5, NEW), Step(6, FILLED), Step(7, NEW)], "FILLED -> NEW"),
    ],
)
def test_illegal_schedules_are_refused(steps: list[Step], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule(steps)


def test_illegal_schedule_is_refused_when_read_back_from_storage() -> None:
    with pytest.raises(ValueError, match="illegal transition"):
        Schedule.from_json([[0, RECEIVED], [1, FILLED]])


@pytest.mark.parametrize("outcome", [FILLED, EXPIRED, CANCELLED])
def test_lifecycle_edges_received_new_then_outcome(outcome: str) -> None:
    clock = ManualClock()
    placed = clock.now_ms()
    schedule = lifecycle.lifecycle(placed, 200, 300, outcome)
    new_at, final_at = placed + 200, placed + 500
    seen = {}
    for at in (placed, new_at - 1, new_at, final_at - 1, final_at, final_at + 86_400_000):
        clock.advance(at - clock.now_ms())
        seen[at] = schedule.status_at(clock.now_ms())
    assert seen == {
        placed: RECEIVED,
        new_at - 1: RECEIVED,
        new_at: NEW,
        final_at - 1: NEW,
        final_at: outcome,
        final_at + 86_400_000: outcome,
    }


def test_lifecycle_rejection_skips_new_and_lands_at_new_at() -> None:
    schedule = lifecycle.lifecycle(1_000, 200, 300, REJECTED)
    assert [s.status for s in schedule] == [RECEIVED, REJECTED]
    assert schedule.status_at(1_199) == RECEIVED
    assert schedule.status_at(1_200) == REJECTED
    assert schedule.status_at(1_500) == REJECTED


def test_lifecycle_with_zero_delays_is_received_for_one_ms_then_final() -> None:
    schedule = lifecycle.lifecycle(1_000, 0, 0, FILLED)
    assert schedule.status_at(1_000) == RECEIVED  # so the placement's 202 says RECEIVED
    assert schedule.status_at(1_001) == FILLED
    assert lifecycle.lifecycle(1_000, 0, 0, REJECTED).status_at(1_000) == RECEIVED


def test_status_never_moves_backwards_as_time_passes() -> None:
    schedule = lifecycle.lifecycle(0, 200, 300, FILLED)
    rank = {RECEIVED: 0, NEW: 1, FILLED: 2}
    ranks = [rank[schedule.status_at(t)] for t in range(0, 1_000, 7)]
    assert ranks == sorted(ranks)
    assert ranks[-1] == rank[FILLED]


def test_schedule_round_trips_through_json() -> None:
    schedule = lifecycle.lifecycle(5, 10, 20, FILLED)
    assert schedule.to_json() == [[5, RECEIVED], [15, NEW], [35, FILLED]]
    assert Schedule.from_json(schedule.to_json()) == schedule


@pytest.mark.parametrize(
    ("cut_at", "expected"),
    [
        (0, [RECEIVED, CANCELLED]),
        (14, [RECEIVED, CANCELLED]),
        (15, [RECEIVED, NEW, CANCELLED]),
    ],
)
def test_cut_at_keeps_the_past_and_ends_in_the_new_status(cut_at: int, expected: list[str]) -> None:
    schedule = lifecycle.lifecycle(0, 15, 20, FILLED).cut_at(cut_at, CANCELLED)
    assert [s.status for s in schedule] == expected
    assert schedule.final == Step(cut_at, CANCELLED)


def test_cut_at_after_a_final_status_is_refused() -> None:
    with pytest.raises(ValueError, match="FILLED -> CANCELLED"):
        lifecycle.lifecycle(0, 15, 20, FILLED).cut_at(35, CANCELLED)
