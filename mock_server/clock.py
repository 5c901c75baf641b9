"""Clocks: the domain asks one of these for the time and never calls now() itself."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


def utc(epoch_ms: int) -> dt.datetime:
    """The moment `epoch_ms` as an aware UTC datetime: the one conversion everyone uses."""
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)


class Clock(Protocol):
    """Anything that tells the time in epoch milliseconds."""

    def now_ms(self) -> int: ...


class SystemClock:
    """Wall-clock time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class TimeCell(Protocol):
    """Where a manual clock keeps its time: in memory, or in the store for every worker."""

    def read(self) -> int: ...

    def add(self, ms: int) -> int: ...


class MemoryCell:
    """A time held by this process alone (tests in one process, the pytest plugin)."""

    def __init__(self, start_ms: int) -> None:
        self._now = start_ms
        self._lock = threading.Lock()

    def read(self) -> int:
        with self._lock:
            return self._now

    def add(self, ms: int) -> int:
        with self._lock:
            self._now += ms
            return self._now


# 2026-01-01 10:00:00 UTC, a Thursday, mid-session for FX: where a manual clock starts.
MANUAL_START_MS = 1_767_261_600_000


class ManualClock:
    """A frozen clock that moves only when told to; tests and `--clock manual` use it.

    `serve` keeps its time in the store (`cell`), so one advance moves every worker's clock.
    """

    def __init__(self, start_ms: int = MANUAL_START_MS, *, cell: TimeCell | None = None) -> None:
        self._cell = cell or MemoryCell(start_ms)

    def now_ms(self) -> int:
        return self._cell.read()

    def advance(self, ms: int) -> int:
        """Move forward by `ms` (never backwards) and return the new time."""
        if ms < 0:
            raise ValueError("a clock only moves forward")
        return self._cell.add(ms)
