"""Clocks: the domain asks one of these for the time and never calls now() itself."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
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


class ReferenceClock:
    """Wall-clock time as a reference (the shared database's clock) tells it, not this host.

    Replicas on hosts whose clocks disagree must not disagree about an order's status, which
    is derived from the time. Each keeps this host's clock corrected by its offset from the
    reference, sampled at start and every `resample_s` after: one round trip now and then,
    not one per request. The error is at most half a sampling round trip plus what this
    host's clock drifts in `resample_s` (well under a millisecond on a LAN; bench/README.md).
    """

    def __init__(self, reference_ms: Callable[[], int], resample_s: float = 5.0) -> None:
        self._reference_ms = reference_ms
        self._resample_ns = int(resample_s * 1e9)
        self._offset_ms = 0
        self._sampled_ns: int | None = None

    def now_ms(self) -> int:
        local_ns = time.monotonic_ns()
        if self._sampled_ns is None or local_ns - self._sampled_ns >= self._resample_ns:
            self._sample()
        return time.time_ns() // 1_000_000 + self._offset_ms

    def _sample(self) -> None:
        self._sampled_ns = time.monotonic_ns()  # a failed sample, too, waits for the next turn
        before = time.time_ns()
        try:
            reference = self._reference_ms()
        except Exception:  # the reference is out of reach: keep the last offset meanwhile
            return
        after = time.time_ns()
        self._offset_ms = reference - (before + after) // 2_000_000


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
