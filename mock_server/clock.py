"""Clocks: the domain asks one of these for the time and never calls now() itself."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Protocol

# The latest a manual clock may be moved to: every date the sandbox derives from the time (a
# value date, an expiry, a year's advance more) must stay in the spec's dates (years up to
# 9000) and Python's calendar (9999): past it, each answer showing a date was a 500 for good.
LATEST_MS = int(dt.datetime(8999, 1, 1, tzinfo=dt.UTC).timestamp() * 1000)


def utc(epoch_ms: int) -> dt.datetime:
    """The moment `epoch_ms` as an aware UTC datetime: the one conversion everyone uses."""
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)


class Clock(Protocol):
    """Anything that tells the time in epoch milliseconds."""

    def now_ms(self) -> int: ...


class WallClock(Protocol):
    """The real time, to the nanosecond as well (which of two moments came first)."""

    def now_ms(self) -> int: ...

    def now_ns(self) -> int: ...


class SystemClock:
    """Wall-clock time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def now_ns(self) -> int:
        return time.time_ns()


# A reading of the reference: (its time in µs, this host's time.time_ns() just before the
# question went out, and just after the answer came back).
Reading = tuple[int, int, int]
# A reading whose round trip took longer says little about the offset: kept only if no
# better one was ever taken.
MAX_ROUND_TRIP_NS = 50_000_000


class ReferenceClock:
    """Wall-clock time as a reference (the shared database's clock) tells it, not this host.

    Replicas on hosts whose clocks disagree must not disagree about an order's status, which
    is derived from the time. Each keeps this host's clock corrected by its offset from the
    reference, read at start and every `resample_s` after: one round trip now and then, not
    one per request. The error is at most half a reading's round trip (those over 50 ms are
    not taken while an earlier one stands) plus what this host's clock drifts in
    `resample_s`: well under a millisecond on a LAN. The time never runs backwards: a
    reading that would move it back holds it until the clock catches up.
    """

    def __init__(self, read: Callable[[], Reading], resample_s: float = 5.0) -> None:
        self._read = read
        self._resample_ns = int(resample_s * 1e9)
        self._offset_ns: int | None = None
        self._sampled_ns: int | None = None
        self._last_ns = 0
        self._clamp = threading.Lock()  # two threads' readings must not move the time back

    def now_ms(self) -> int:
        return self.now_ns() // 1_000_000

    def now_ns(self) -> int:
        local_ns = time.monotonic_ns()
        if self._sampled_ns is None or local_ns - self._sampled_ns >= self._resample_ns:
            self._sample()
        now = time.time_ns() + (self._offset_ns or 0)
        with self._clamp:
            # Strictly rising: of two readings, the later one is later (a request that began
            # before a reset is told from one after it, journal.Journal), even while a reading
            # that would move the time back holds it.
            self._last_ns = max(self._last_ns + 1, now)
            return self._last_ns

    def _sample(self) -> None:
        self._sampled_ns = time.monotonic_ns()  # a failed reading, too, waits for its turn
        try:
            reference_us, before_ns, after_ns = self._read()
        except Exception:  # the reference is out of reach: keep the last offset meanwhile
            return
        if after_ns - before_ns > MAX_ROUND_TRIP_NS and self._offset_ns is not None:
            return
        self._offset_ns = reference_us * 1000 - (before_ns + after_ns) // 2


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
        if cell is None and start_ms > LATEST_MS:  # as an advance there is refused
            raise ValueError(f"a clock cannot start past {utc(LATEST_MS):%Y-%m-%d}")
        self._cell = cell or MemoryCell(start_ms)

    def now_ms(self) -> int:
        return self._cell.read()

    def advance(self, ms: int) -> int:
        """Move forward by `ms` (never backwards) and return the new time."""
        if ms < 0:
            raise ValueError("a clock only moves forward")
        if self.now_ms() + ms > LATEST_MS:
            raise ValueError(
                f"would move the clock past {utc(LATEST_MS):%Y-%m-%d}, the latest it goes"
            )
        return self._cell.add(ms)
