"""When to retry: capped, jittered backoff, the retry budget, and which failures may pass."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import requests
from urllib3.exceptions import NewConnectionError

from integral_mock.client.errors import (
    IntegralError,
    RateLimited,
    ServerError,
    TransportError,
)

# Failures after which the request may simply not have arrived, or its answer got lost.
_RETRYABLE_CAUSES = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class Backoff:
    """Capped exponential delays with jitter: wait n is c/2..c, c = min(cap, first * factor**n)."""

    first: float = 0.1
    cap: float = 5.0
    factor: float = 2.0

    def __post_init__(self) -> None:
        # A zero first step would poll or retry at once for ever; a cap below it, or a factor
        # under 1, would shrink the waits towards zero.
        if not (self.first > 0 and self.cap >= self.first and self.factor >= 1):
            raise ValueError(f"{self}: needs first > 0, cap >= first and factor >= 1")

    def delay(self, attempt: int, rng: random.Random) -> float:
        # Half fixed, half random: spreads clients apart without ever hammering at zero delay.
        ceiling = min(self.cap, self.first * self.factor ** min(attempt, 64))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times a failed safe request is tried again, and how long to wait between."""

    retries: int = 3
    backoff: Backoff = field(default_factory=Backoff)
    # A server asking for a longer pause than this gets the error instead of a stalled caller.
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        # NaN compares false: every Retry-After would be slept, 10^400 s as time.sleep(inf).
        if not (self.retries >= 0 and 0 <= self.max_retry_after < float("inf")):
            raise ValueError(f"{self}: needs retries >= 0 and a finite max_retry_after >= 0")


def retryable(exc: IntegralError) -> bool:
    """Whether a failure may go away on its own (5xx, 429, lost connection, broken body)."""
    if isinstance(exc, TransportError):
        return exc.__cause__ is None or isinstance(exc.__cause__, _RETRYABLE_CAUSES)
    return isinstance(exc, ServerError | RateLimited)


def transient(exc: IntegralError) -> bool:
    """A failure of the server or the line (5xx, 429, a lost connection), not a wrong answer:
    what polling rides out until its deadline."""
    if isinstance(exc, TransportError):
        return isinstance(exc.__cause__, _RETRYABLE_CAUSES)
    return isinstance(exc, ServerError | RateLimited)


def unprocessed(exc: IntegralError) -> bool:
    """Whether the request certainly was not acted on: refused (429, 503) or never connected.

    What a call that changes state on the server (a trade download consumes what it returns)
    may retry; a 500, a timeout or a connection lost after sending may have done the work.
    """
    if isinstance(exc, RateLimited):
        return True
    if isinstance(exc, ServerError):
        return exc.status == 503
    if isinstance(exc, TransportError):
        cause = exc.__cause__
        if isinstance(cause, requests.ConnectTimeout):
            return True
        reason = getattr(cause.args[0], "reason", None) if cause and cause.args else None
        return isinstance(cause, requests.ConnectionError) and isinstance(
            reason, NewConnectionError
        )
    return False
