"""Control rules (faults, outcomes) and the book that holds them: ids, org scope, times."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from integral_mock.store import Row, Store


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
    """Rules in the order they were added, kept in the store so every worker fires alike.

    A spent rule stays listed but no longer fires. A rule is stored as the API shows it
    (`spec`) and parsed back with `parse`; parsing is cached by that text, since a rule
    never changes once added (only its `fired` count does, in its own column).
    """

    def __init__(self, store: Store, book: str, parse: Callable[[dict[str, Any]], R]) -> None:
        self.store = store
        self.book = book
        self._parse = parse
        self._parsed: dict[str, R] = {}

    def add(self, rule: R) -> R:
        spec = json.dumps({k: v for k, v in rule.to_json().items() if k not in _COUNTED})
        with self.store.transaction() as db:
            rule.id = self.store.add_value(self._ids, 1)
            row = (self.book, rule.id, rule.org, rule.times, rule.fired, spec)
            db.execute("INSERT INTO control_rules VALUES (?, ?, ?, ?, ?, ?)", row)
        return rule

    def all(self, org: str | None = None) -> list[R]:
        sql = f"SELECT * FROM control_rules WHERE book = ?{_ORG if org is not None else ''}"
        params = (self.book, org) if org is not None else (self.book,)
        return [self._rule(row) for row in self.store.query(sql + " ORDER BY id", params)]

    def remove(self, rule_id: int) -> bool:
        with self.store.transaction() as db:
            sql = "DELETE FROM control_rules WHERE book = ? AND id = ?"
            return bool(db.execute(sql, (self.book, rule_id)).rowcount)

    def clear(self, org: str | None = None) -> int:
        """Drop every rule (ids start again at 1), or only those scoped to `org`."""
        with self.store.transaction() as db:
            sql = f"DELETE FROM control_rules WHERE book = ?{_ORG if org is not None else ''}"
            params = (self.book, org) if org is not None else (self.book,)
            removed = int(db.execute(sql, params).rowcount)
            if org is None:
                db.execute("DELETE FROM sandbox_values WHERE name = ?", (self._ids,))
        return removed

    def live(self) -> bool:
        """Whether any rule may still fire: a read, so a request with none takes no lock."""
        sql = "SELECT 1 FROM control_rules WHERE book = ? AND " + _LIVE + " LIMIT 1"
        return bool(self.store.query(sql, (self.book,)))

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

        One transaction around the walk, so concurrent requests (of any worker) draw from
        the seeded stream one after the other, and a `times` limit is never overrun.
        """
        if not self.live():
            return []
        fired: list[R] = []
        with self.store.transaction() as db:
            # Locked (PostgreSQL): a replica firing the same rule waits, and sees the count.
            sql = f"SELECT * FROM control_rules WHERE book = ? AND {_LIVE} ORDER BY id"
            sql += self.store.for_update
            for row in db.execute(sql, (self.book,)).fetchall():
                rule = self._rule(row)
                if not matches(rule) or not draw(rule):
                    continue
                rule.fired += 1
                sql = "UPDATE control_rules SET fired = fired + 1 WHERE book = ? AND id = ?"
                db.execute(sql, (self.book, rule.id))
                fired.append(rule)
                if first_only:
                    break
        return fired

    @property
    def _ids(self) -> str:
        return f"{self.book}_rules_added"

    def _rule(self, row: Row) -> R:
        """A fresh copy of the stored rule, with its id and count: callers may change it."""
        template = self._parsed.get(row["spec"])
        if template is None:
            template = self._parse(json.loads(row["spec"]))
            if len(self._parsed) >= _PARSED_KEPT:
                self._parsed.clear()
            self._parsed[row["spec"]] = template
        return replace(template, id=row["id"], org=row["rule_org"], fired=row["fired"])


_COUNTED = frozenset({"id", "fired", "remaining"})  # what the store keeps in columns
_ORG = " AND rule_org = ?"
_LIVE = "(times IS NULL OR fired < times)"
_PARSED_KEPT = 1024
