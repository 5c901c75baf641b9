"""A run's results as one value: scenarios, their verdicts and timelines; report.json's shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, RuleResult

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario (or, for a live verdict, one org's traffic) and what the rules said."""

    name: str
    description: str
    results: tuple[RuleResult, ...]
    entries: tuple[Entry, ...]
    exercises: tuple[str, ...] = ()
    exit_code: int | None = None
    timed_out: bool = False
    duration_ms: int = 0
    output: str = ""  # the tail of what the client printed

    @property
    def gating(self) -> list[RuleResult]:
        return [r for r in self.results if r.gating]

    def flagged_ids(self) -> set[str | None]:
        """Request ids of the entries that failing rules cite, for marking the timeline."""
        return {e.request_id for r in self.results if r.failed for e in r.judgment.evidence}

    def to_json(self) -> dict[str, Any]:
        flagged = self.flagged_ids()
        return {
            "name": self.name,
            "description": self.description,
            "exitCode": self.exit_code,
            "timedOut": self.timed_out,
            "durationMs": self.duration_ms,
            "exercises": list(self.exercises),
            "rules": [r.to_json() for r in self.results],
            "timeline": [_step(e, e.get("requestId") in flagged) for e in self.entries],
            "output": self.output,
        }


def _step(entry: Entry, flagged: bool) -> dict[str, Any]:
    keys = ("time", "method", "path", "query", "status", "delivered", "fault", "requestId")
    return {("at" if k == "time" else k): entry.get(k) for k in keys} | {"flagged": flagged}


@dataclass(frozen=True)
class Report:
    """A certification run or a live verdict; `passed` is what the exit status says."""

    mode: str  # "certify" or "live"
    base_url: str
    org: str
    settings: Settings
    scenarios: Sequence[ScenarioRun]
    client: str | None = None
    started_ms: int = 0
    duration_ms: int = 0
    since: int | None = None

    @property
    def passed(self) -> bool:
        return not any(s.gating for s in self.scenarios)

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "passed": self.passed,
            "mode": self.mode,
            "client": self.client,
            "baseUrl": self.base_url,
            "org": self.org,
            "since": self.since,
            "startedAt": self.started_ms,
            "durationMs": self.duration_ms,
            "settings": self.settings.to_json(),
            "scenarios": [s.to_json() for s in self.scenarios],
        }
