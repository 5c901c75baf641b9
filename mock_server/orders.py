"""The order state machine: one transitions table; an order's status is derived when read.

An order stores when it was placed and the fate decided then, as a schedule of steps
``[(at_ms, status), ...]``. Its status at any moment is the last step whose time has come, so
the status never depends on who polled when, and it can only move the way the table allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    """From `at_ms` on, the order is in `status`."""

    at_ms: int
    status: str


class Schedule(tuple[Step, ...]):
    """An order's fate: steps in time order, each one a legal transition from the last."""

    def __new__(cls, steps: Sequence[Step]) -> Schedule:
        check_steps(steps)
        return super().__new__(cls, steps)

    def status_at(self, now_ms: int) -> str:
        return self.step_at(now_ms).status

    def step_at(self, now_ms: int) -> Step:
        current = self[0]
        for step in self[1:]:
            if step.at_ms > now_ms:
                break
            current = step
        return current

    @property
    def final(self) -> Step:
        return self[-1]

    def to_json(self) -> list[list[object]]:
        return [[s.at_ms, s.status] for s in self]

    @classmethod
    def from_json(cls, data: list[list[object]]) -> Schedule:
        return cls([Step(int(at), str(status)) for at, status in data])  # type: ignore[call-overload]

    def cut_at(self, now_ms: int, status: str) -> Schedule:
        """This schedule up to `now_ms`, then `status` (a cancel, say) from `now_ms` on."""
        kept = [s for s in self if s.at_ms <= now_ms]
        return Schedule([*kept, Step(now_ms, status)])


def check_steps(steps: Sequence[Step]) -> None:
    """Refuse a schedule that starts elsewhere than RECEIVED, goes back in time or skips rules."""
    if not steps or steps[0].status != RECEIVED:
        raise ValueError("a schedule starts with RECEIVED")
    for before, after in zip(steps, steps[1:], strict=False):
        if after.at_ms < before.at_ms:
            raise ValueError("a schedule's steps are in time order")
        if after.status not in TRANSITIONS[before.status]:
            raise ValueError(f"illegal transition {before.status} -> {after.status}")


def lifecycle(placed_ms: int, new_after_ms: int, final_after_ms: int, outcome: str) -> Schedule:
    """RECEIVED now, NEW after `new_after_ms`, then `outcome` `final_after_ms` later.

    A rejection decided at placement (a stale quote, say) skips NEW: the venue refuses the
    order when it first looks at it.
    """
    new_at = placed_ms + new_after_ms
    if outcome == REJECTED:
        return Schedule([Step(placed_ms, RECEIVED), Step(new_at, REJECTED)])
    return Schedule(
        [Step(placed_ms, RECEIVED), Step(new_at, NEW), Step(new_at + final_after_ms, outcome)]
    )
