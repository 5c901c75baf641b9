"""Control rules (faults, outcomes) and the book that holds them: ids, org scope, times."""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar


@dataclass
class Rule:
    """What every rule has: an id, an optional org it is scoped to, and how often it may fire."""

    id: int = 0
    org: str | None = None
    times: int | None = None  # None: no limit
    fired: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    @staticmethod
    def glob_matches(pattern: str, text: str) -> bool:
        """`*` matches any run of characters (including `/`), `?` one; case-sensitive."""
        return fnmatch.fnmatchcase(text, pattern)

    @staticmethod
    def common_from_json(data: dict[str, Any]) -> dict[str, Any]:
        return {"org": data.get("org"), "times": data.get("times")}

    def fields(self) -> dict[str, Any]:
        """A kind of rule's own fields, as the API names them (None: not shown)."""
        return {}

    def to_json(self) -> dict[str, Any]:
        remaining = None if self.times is None else max(0, self.times - self.fired)
        common = {"id": self.id, "org": self.org, "times": self.times}
        common |= {"fired": self.fired, "remaining": remaining}
        return common | {k: v for k, v in self.fields().items() if v is not None}


R = TypeVar("R", bound=Rule)


class RuleBook(Generic[R]):
    """Rules in the order they were added; a spent rule stays listed but no longer fires."""

    def __init__(self) -> None:
        self._rules: list[R] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def add(self, rule: R) -> R:
        with self._lock:
            rule.id, self._next_id = self._next_id, self._next_id + 1
            self._rules.append(rule)
        return rule

    def all(self, org: str | None = None) -> list[R]:
        with self._lock:
            return [r for r in self._rules if org is None or r.org == org]

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            found = len(kept) != len(self._rules)
            self._rules = kept
        return found

    def clear(self, org: str | None = None) -> int:
        """Drop every rule (ids start again at 1), or only those scoped to `org`."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if org is not None and r.org != org]
            if org is None:
                self._next_id = 1
            return before - len(self._rules)

    def fire(self, matches: Callable[[R], bool]) -> R | None:
        """The first live rule that matches, counted as fired."""
        fired = self.fire_all(matches, first_only=True)
        return fired[0] if fired else None

    def fire_all(
        self,
        matches: Callable[[R], bool],
        draw: Callable[[R], bool] = lambda rule: True,
        *,
        first_only: bool = False,
    ) -> list[R]:
        """Every live rule that matches and wins its `draw`, each counted as fired.

        One lock around the walk, so concurrent requests draw from the seeded source one
        after the other and a replay of the same sequence draws the same numbers.
        """
        fired: list[R] = []
        with self._lock:
            for rule in self._rules:
                if rule.spent or not matches(rule) or not draw(rule):
                    continue
                rule.fired += 1
                fired.append(rule)
                if first_only:
                    break
        return fired
