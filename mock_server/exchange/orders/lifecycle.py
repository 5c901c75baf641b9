"""The order state machine: one transitions table; an order's status is derived when read.

An order stores when it was placed and the fate decided then, as a schedule of steps
``[(at_ms, status), ...]``. Its status at any moment is the last step whose time has come, so
the status never depends on who polled when, and it can only move the way the table allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RECEIVED = "RECEIVED"
NEW = "NEW"
PARTIALLY_FILLED = "PARTIALLY_FILLED"
FILLED = "FILLED"
REJECTED = "REJECTED"
EXPIRED = "EXPIRED"
CANCELLED = "CANCELLED"

FINAL = frozenset({FILLED, REJECTED, EXPIRED, CANCELLED})
ACTIVE = frozenset({RECEIVED, NEW, PARTIALLY_FILLED})

# Every move an order may make; anything else is a bug in whoever built the schedule.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({NEW, REJECTED, CANCELLED}),
    NEW: frozenset({PARTIALLY_FILLED, FILLED, REJECTED, EXPIRED, CANCELLED}),
    PARTIALLY_FILLED: frozenset({PARTIALLY_FILLED, FILLED, EXPIRED, CANCELLED}),
    FILLED: frozenset(),
    REJECTED: frozenset(),
    EXPIRED: frozenset(),
    CANCELLED: frozenset(),
}


@dataclass(frozen=True)
class Step:
    """From `at_ms` on, and once the order has been read `polls` times, it is in `status`."""

    at_ms: int
    status: str
    polls: int = 0


class Schedule(tuple[Step, ...]):
    """An order's fate: steps in time order, each one a legal transition from the last."""

    def __new__(cls, steps: Sequence[Step]) -> Schedule:
        check_steps(steps)
        return super().__new__(cls, steps)

    def status_at(self, now_ms: int, polls: int = 0) -> str:
        return self.step_at(now_ms, polls).status

    def step_at(self, now_ms: int, polls: int = 0) -> Step:
        current = self[0]
        for step in self[1:]:
            if step.at_ms > now_ms or step.polls > polls:
                break
            current = step
        return current

    def history(self, now_ms: int, polls: int = 0) -> list[Step]:
        """The steps taken by `now_ms` (after `polls` reads), the current one last."""
        return list(self[: self.index(self.step_at(now_ms, polls)) + 1])

    @property
    def counts_polls(self) -> bool:
        """Whether reads move this order (poll progression), so each read must be counted."""
        return self.final.polls > 0

    @property
    def final(self) -> Step:
        return self[-1]

    def final_since(self, polls: int = 0) -> int | None:
        """From when the order is final, with `polls` reads counted; None while it is open.

        Exact: status_at(t, polls) is final just when t reaches this (steps are in time and
        poll order, and a final status is the last step).
        """
        last = self.final
        done = last.status in FINAL and last.polls <= polls
        return last.at_ms if done else None

    def to_json(self) -> list[list[object]]:
        # A poll count only where there is one, so time-only schedules keep their old shape.
        return [[s.at_ms, s.status, s.polls] if s.polls else [s.at_ms, s.status] for s in self]

    @classmethod
    def from_json(cls, data: list[list[Any]]) -> Schedule:
        return cls([Step(int(d[0]), str(d[1]), int(d[2]) if len(d) > 2 else 0) for d in data])

    def cut_at(self, now_ms: int, status: str, polls: int = 0) -> Schedule:
        """This schedule up to `now_ms` (and `polls` reads), then `status` (a cancel, say)."""
        kept = [s for s in self if s.at_ms <= now_ms and s.polls <= polls]
        return Schedule([*kept, Step(now_ms, status, polls if self.counts_polls else 0)])


def check_steps(steps: Sequence[Step]) -> None:
    """Refuse a schedule that starts elsewhere than RECEIVED, goes back in time or skips rules."""
    if not steps or steps[0].status != RECEIVED:
        raise ValueError("a schedule starts with RECEIVED")
    for before, after in zip(steps, steps[1:], strict=False):
        if after.at_ms < before.at_ms or after.polls < before.polls:
            raise ValueError("a schedule's steps are in time (and poll count) order")
        if after.status not in TRANSITIONS[before.status]:
            raise ValueError(f"illegal transition {before.status} -> {after.status}")


def lifecycle(placed_ms: int, new_after_ms: int, final_after_ms: int, outcome: str) -> Schedule:
    """RECEIVED now, NEW after `new_after_ms`, then `outcome` `final_after_ms` later.

    A rejection decided at placement (a stale quote, say) skips NEW: the venue refuses the
    order when it first looks at it.
    """
    # At least 1 ms of RECEIVED, so the placement's own answer (202) says RECEIVED even with
    # zero delays or jitter as large as the delay.
    new_at = placed_ms + max(1, new_after_ms)
    if outcome == REJECTED:
        return Schedule([Step(placed_ms, RECEIVED), Step(new_at, REJECTED)])
    return Schedule(
        [Step(placed_ms, RECEIVED), Step(new_at, NEW), Step(new_at + final_after_ms, outcome)]
    )


def by_polls(schedule: Schedule, polls: int) -> Schedule:
    """The same statuses, all due at placement but each gated by a read count.

    The final status shows on read number `polls` and the steps before it are spread evenly
    over the earlier reads. `immediate` is `polls` = 1: the first read shows the final status,
    while the placement's own answer (read 0) still says RECEIVED.
    """
    placed_ms, later = schedule[0].at_ms, schedule[1:]
    steps = [
        Step(placed_ms, step.status, math.ceil(k * polls / len(later)))
        for k, step in enumerate(later, start=1)
    ]
    return Schedule([schedule[0], *steps])


def retimed(schedule: Schedule, first_after_ms: int | None, final_after_ms: int | None) -> Schedule:
    """The same statuses with new times: the first step after RECEIVED comes `first_after_ms`
    after placement, the last `final_after_ms` after placement (None keeps that end as it was),
    and the steps between keep their relative places.
    """
    placed_ms, later = schedule[0].at_ms, schedule[1:]
    if not later:
        return schedule
    first, last = later[0].at_ms, later[-1].at_ms
    new_first = first if first_after_ms is None else placed_ms + first_after_ms
    new_last = new_first + last - first if final_after_ms is None else placed_ms + final_after_ms
    new_first = min(new_first, new_last)
    if len(later) == 1:
        times = [new_first if final_after_ms is None else new_last]
    elif last == first:
        times = [new_first] * (len(later) - 1) + [new_last]
    else:
        scale = (new_last - new_first) / (last - first)
        times = [new_first + round((s.at_ms - first) * scale) for s in later]
    # At least 1 ms of RECEIVED, so the placement's own answer still says RECEIVED.
    steps = [Step(max(placed_ms + 1, at), s.status) for at, s in zip(times, later, strict=True)]
    return Schedule([schedule[0], *steps])
