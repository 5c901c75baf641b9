"""Progression modes and re-timed schedules: statuses stay forward-only, finals stay final."""

from __future__ import annotations

import pytest

from integral_mock.config import Progression
from integral_mock.exchange.orders.fate import Fate
from integral_mock.exchange.orders.lifecycle import (
    EXPIRED,
    FILLED,
    FINAL,
    NEW,
    RECEIVED,
    REJECTED,
    Schedule,
    Step,
    by_polls,
    lifecycle,
    retimed,
)
from integral_mock.sandbox.outcomes import fate_from_coid

PLACED = 1_000_000


def _statuses(schedule: Schedule, times: range, polls: range) -> list[str]:
    return [schedule.status_at(t, p) for t in times for p in polls]


@pytest.mark.parametrize("outcome", [FILLED, REJECTED, EXPIRED])
@pytest.mark.parametrize("polls", [1, 2, 3, 7])
def test_by_polls_is_final_on_the_nth_read_and_stays(outcome: str, polls: int) -> None:
    schedule = by_polls(lifecycle(PLACED, 200, 300, outcome), polls)
    seen = [schedule.status_at(PLACED, n) for n in range(polls + 3)]
    assert seen[0] == RECEIVED  # the placement's own answer
    assert all(s not in FINAL for s in seen[:polls])
    assert seen[polls:] == [outcome] * 3
    assert Schedule.from_json(schedule.to_json()) == schedule


@pytest.mark.parametrize(("first", "final"), [(None, 5000), (50, None), (50, 5000), (0, 0)])
def test_retimed_keeps_order_and_hits_the_asked_times(first: int | None, final: int | None) -> None:
    schedule = retimed(lifecycle(PLACED, 200, 300, FILLED), first, final)
    assert [s.status for s in schedule] == [RECEIVED, NEW, FILLED]
    if final is not None:
        assert schedule.final.at_ms == PLACED + max(1, final)
    assert schedule.status_at(PLACED) == RECEIVED
    seen = [schedule.status_at(t) for t in range(PLACED, PLACED + 6000, 7)]
    assert seen == sorted(seen, key=[RECEIVED, NEW, FILLED].index)


def test_a_rejection_retimed_comes_at_the_fill_delay() -> None:
    schedule = retimed(lifecycle(PLACED, 200, 300, REJECTED), None, 900)
    assert schedule == Schedule([Step(PLACED, RECEIVED), Step(PLACED + 900, REJECTED)])


def test_a_schedule_cannot_go_back_in_polls() -> None:
    with pytest.raises(ValueError, match="order"):
        Schedule([Step(PLACED, RECEIVED), Step(PLACED, NEW, 2), Step(PLACED, FILLED, 1)])


def test_old_schedules_read_back_unchanged() -> None:
    assert Schedule.from_json([[1, RECEIVED], [2, NEW]]).to_json() == [[1, RECEIVED], [2, NEW]]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("time", Progression("time", 0)),
        ("IMMEDIATE", Progression("immediate", 1)),
        ("polls:12", Progression("polls", 12)),
    ],
)
def test_progression_grammar(text: str, parsed: Progression) -> None:
    assert Progression.parse(text) == parsed
    assert Progression.parse(str(parsed)) == parsed


@pytest.mark.parametrize("text", ["polls:0", "polls", "polls:-1", "later"])
def test_progression_grammar_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="progression"):
        Progression.parse(text)


def test_fates_layer_and_a_reason_belongs_to_its_outcome() -> None:
    header = Fate(outcome=FILLED)
    below = fate_from_coid("REJECT_NO_CREDIT-SLOW900-x")
    layered = header.over(below)
    assert layered == Fate(outcome=FILLED, reason=None, fill_delay_ms=900)
