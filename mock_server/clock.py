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


class ManualClock:
    """A frozen clock that moves only when told to; tests and `--clock manual` use it."""

    def __init__(self, start_ms: int = 1_767_261_600_000) -> None:
        # Default start: 2026-01-01 10:00:00 UTC, a Thursday, mid-session for FX.
        self._now = start_ms
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._now

    def advance(self, ms: int) -> int:
        """Move forward by `ms` (never backwards) and return the new time."""
        if ms < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += ms
            return self._now
