"""Latency distributions (fixed, uniform, log-normal), written as one short text grammar.

``"50"`` is a fixed 50 ms, ``"uniform:20-200"`` is uniform on [20, 200] ms and
``"lognormal:100:0.5"`` is log-normal with a 100 ms median and sigma 0.5 (capped at
``MAX_LATENCY_MS``). The same grammar serves the config file, the CLI and fault rules.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from typing import Protocol

MAX_LATENCY_MS = 600_000

_UNIFORM = re.compile(r"^uniform:(\d+)-(\d+)$")
_LOGNORMAL = re.compile(r"^lognormal:(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$")


class Latency(Protocol):
    """Draws one delay, in milliseconds, from the seeded source it is given."""

    def __call__(self, rng: random.Random) -> int: ...


@dataclass(frozen=True)
class Fixed:
    ms: int

    def __call__(self, rng: random.Random) -> int:
        return self.ms


@dataclass(frozen=True)
class Uniform:
    low_ms: int
    high_ms: int

    def __call__(self, rng: random.Random) -> int:
        return rng.randint(self.low_ms, self.high_ms)


@dataclass(frozen=True)
class LogNormal:
    """Mostly near the median with a long right tail, as real network latency is."""

    median_ms: float
    sigma: float

    def __call__(self, rng: random.Random) -> int:
        drawn = rng.lognormvariate(math.log(self.median_ms), self.sigma)
        return min(MAX_LATENCY_MS, round(drawn))


MAX_DIGITS = 12  # far past any bound below, and far short of what makes int() slow or refuse


def whole_ms(text: str) -> int | None:
    """`text` as whole milliseconds when it is at most MAX_DIGITS ASCII digits, else None.

    `str.isdigit` alone is not enough: it passes `²`, which `int` then refuses with a ValueError.
    """
    text = text.strip()
    digits = text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS
    return int(text) if digits else None


def parse_latency(text: str) -> Latency | None:
    """The distribution `text` names; None for ""; ValueError when it names none."""
    text = text.strip()
    if not text:
        return None
    if (ms := whole_ms(text)) is not None:
        return Fixed(_bounded(ms))
    if match := _UNIFORM.match(text):
        low, high = _bounded(int(match[1])), _bounded(int(match[2]))
        if low > high:
            raise ValueError(f"latency {text!r}: the low end is above the high end")
        return Uniform(low, high)
    if match := _LOGNORMAL.match(text):
        median, sigma = float(match[1]), float(match[2])
        if median <= 0 or median > MAX_LATENCY_MS:
            raise ValueError(f"latency {text!r}: the median must be in (0, {MAX_LATENCY_MS}]")
        return LogNormal(median, sigma)
    raise ValueError(
        f"latency {text!r} is none of 'N', 'uniform:LOW-HIGH', 'lognormal:MEDIAN:SIGMA' (ms)"
    )


def _bounded(ms: int) -> int:
    if ms > MAX_LATENCY_MS:
        raise ValueError(f"latency {ms} ms is over the {MAX_LATENCY_MS} ms limit")
    return ms
