"""What a rule says about some traffic: a verdict, its evidence, and the hint."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from integral_mock.conformance.settings import Settings

Verdict = Literal["pass", "fail", "not-exercised"]
Level = Literal["must", "should"]
Entry = dict[str, Any]  # a journal entry, as /__admin/journal answers it
EVIDENCE_LIMIT = 12  # entries shown per verdict: enough to see the pattern, not a dump


@dataclass(frozen=True)
class Evidence:
    """One journal entry that decided a verdict, and why it mattered."""

    at: int
    method: str
    path: str
    status: int | None
    request_id: str | None
    note: str = ""

    @classmethod
    def of(cls, entry: Entry, note: str = "") -> Evidence:
        return cls(
            entry["time"],
            entry["method"],
            entry["path"],
            entry["status"],
            entry.get("requestId"),
            note,
        )

    def to_json(self) -> dict[str, Any]:
        found = {"at": self.at, "method": self.method, "path": self.path, "status": self.status}
        return found | {"requestId": self.request_id, "note": self.note}


@dataclass(frozen=True)
class Judgment:
    """A rule function's answer: the verdict, a sentence saying why, and the evidence."""

    verdict: Verdict
    detail: str = ""
    evidence: tuple[Evidence, ...] = field(default=())

    @classmethod
    def failed(cls, detail: str, evidence: Iterable[Evidence]) -> Judgment:
        return cls("fail", detail, tuple(evidence)[:EVIDENCE_LIMIT])

    @classmethod
    def passed(cls, detail: str = "") -> Judgment:
        return cls("pass", detail)

    @classmethod
    def unexercised(cls, detail: str = "") -> Judgment:
        return cls("not-exercised", detail)


Judge = Callable[[Sequence[Entry], Settings], Judgment]


@dataclass(frozen=True)
class Rule:
    """A conformance rule: stable id, level, what it asks, a hint, and its judge."""

    id: str
    level: Level
    summary: str
    hint: str
    judge: Judge


@dataclass(frozen=True)
class RuleResult:
    """A rule's verdict on one scenario's (or one org's) traffic."""

    rule: Rule
    judgment: Judgment

    @property
    def failed(self) -> bool:
        return self.judgment.verdict == "fail"

    @property
    def gating(self) -> bool:
        """Whether this result fails the run: a `must` rule that failed."""
        return self.failed and self.rule.level == "must"

    def to_json(self) -> dict[str, Any]:
        j = self.judgment
        return {
            "id": self.rule.id,
            "level": self.rule.level,
            "verdict": j.verdict,
            "detail": j.detail,
            "evidence": [e.to_json() for e in j.evidence],
            "hint": self.rule.hint,
        }
