"""Thresholds of the rules and timings of the scenarios, in one frozen dataclass."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Every number a verdict or a scenario depends on; the defaults are the documented ones."""

    # poll-interval: reads of one order (or of the active list) in any one-second window.
    max_reads_per_second: float = 10.0
    # poll-interval: slack for timer and clock jitter: a poller on a fixed 10 Hz timer sends
    # its 11th read 999 ms after its 1st now and then, which is still 10 reads a second.
    poll_slack_ms: int = 50
    # stop-at-final: reads of an order allowed after it was shown a final status.
    reads_after_final: int = 0
    # fresh-quote: how long a rateId stays tradable (the sandbox's quote_lifetime_ms).
    quote_lifetime_ms: int = 60_000
    # retry-after: slack for clock granularity when comparing against Retry-After.
    retry_after_slack_ms: int = 50
    # backoff: the least average gap between retries (the first may come at once: full jitter
    # may draw 0), the most consecutive failures of one operation before a client must give up.
    min_retry_gap_ms: int = 25
    max_consecutive_failures: int = 8
    # token-reuse: judged from this many logins on; fewer calls per login than this fails.
    token_reuse_min_logins: int = 3
    min_calls_per_login: float = 2.0
    # Scenario timings (certification only), in ms: the usual fill, the slow fill, the short
    # token lifetime and the fill that outlives it, and how long a `hang` holds (own sandbox).
    fill_ms: int = 500
    slow_fill_ms: int = 5_000
    token_lifetime_ms: int = 3_000
    token_fill_ms: int = 7_000
    hang_ms: int = 12_000

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @staticmethod
    def named(assignments: Iterable[str]) -> frozenset[str]:
        """The names `name=value` pairs (`--set`) give, as fields are spelt."""
        return frozenset(_name(text) for text in assignments)

    def with_assignments(self, assignments: Iterable[str]) -> Settings:
        """These settings with `name=value` pairs applied (`--set`); ValueError names a bad one."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for text in assignments:
            _, sep, raw = text.partition("=")
            name = _name(text)
            if name in RETIRED:
                raise ValueError(f"--set {text!r}: {name} is no longer a setting: {RETIRED[name]}")
            if not sep or name not in fields:
                known = ", ".join(fields)
                raise ValueError(f"--set {text!r}: expected NAME=VALUE, NAME one of {known}")
            kind = float if isinstance(getattr(self, name), float) else int
            try:
                changes[name] = kind(raw)
            except ValueError:
                raise ValueError(f"--set {text!r}: {raw!r} is not a number") from None
            if changes[name] < 0:
                raise ValueError(f"--set {text!r}: must not be negative")
        return self.replace(**changes)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Settings that went, and why: a CI job that still sets one is told, not merely refused.
RETIRED = {
    "backoff_shrink": "backoff judges the pace of retries, not each gap (full jitter may draw "
    "any wait below its cap); min_retry_gap_ms sets the pace",
}


def _name(assignment: str) -> str:
    """The setting a `name=value` pair names, as spelt in Settings (`fill-ms`: fill_ms)."""
    return assignment.partition("=")[0].strip().replace("-", "_")
