"""Forced order outcomes: X-Sandbox-* headers, magic coId prefixes, rules, a seeded reject rate.

Each source yields a `Fate` (the domain's word for what to force: outcome, reason, delays,
progression); they are layered header over coId over rule over the random reject. The venue
is handed `Outcomes.decide` and lets `Fate.shape` turn the order's natural schedule into the
forced one. Nothing forced: the natural schedule as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from integral_mock.config import Config, Progression
from integral_mock.errors import BadRequest
from integral_mock.exchange.orders.fate import Fate
from integral_mock.exchange.orders.lifecycle import EXPIRED, FILLED, REJECTED
from integral_mock.exchange.orders.ticket import Ticket
from integral_mock.exchange.seeding import Seed, StoredRandom
from integral_mock.sandbox.latency import whole_ms
from integral_mock.sandbox.rules import Rule, RuleBook
from integral_mock.store import Store

OUTCOMES = (FILLED, REJECTED, EXPIRED)
MAX_FILL_DELAY_MS = 86_400_000
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_MAGIC = re.compile(r"^(FILL|REJECT|REJECT_[A-Z0-9_]+|EXPIRE|NOW|SLOW(\d{1,6})|POLL(\d{1,4}))$")
_MAGIC_OUTCOME = {"FILL": FILLED, "REJECT": REJECTED, "EXPIRE": EXPIRED}


def reason_for(outcome: str, source: str, given: str | None = None) -> str | None:
    """A `CODE: text` reason for a forced REJECTED or EXPIRED (FILLED has none)."""
    if outcome == FILLED:
        return None
    if given and not _CODE.match(given):
        return given  # already `CODE: text`, or free text the user chose
    code = given or ("SANDBOX_REJECTED" if outcome == REJECTED else "SANDBOX_EXPIRED")
    return f"{code}: forced by {source}"


def fate_from_headers(outcome: str | None, fill_delay: str | None, progression: str | None) -> Fate:
    """The fate X-Sandbox-Outcome / -Fill-Delay-Ms / -Progression ask for; 400 if malformed."""
    fate = Fate()
    if outcome:
        status, _, given = outcome.strip().partition(":")
        status = status.strip().upper()
        if status not in OUTCOMES or (given and status != REJECTED):
            raise _header_error("X-Sandbox-Outcome", "FILLED, REJECTED, REJECTED:<reason>, EXPIRED")
        source = "X-Sandbox-Outcome"
        fate = replace(fate, outcome=status, reason=reason_for(status, source, given.strip()))
    if fill_delay:
        ms = whole_ms(fill_delay)
        if ms is None or ms > MAX_FILL_DELAY_MS:
            expected = f"milliseconds, 0 to {MAX_FILL_DELAY_MS}"
            raise _header_error("X-Sandbox-Fill-Delay-Ms", expected)
        fate = replace(fate, fill_delay_ms=ms)
    if progression:
        try:
            fate = replace(fate, progression=Progression.parse(progression))
        except ValueError:
            raise _header_error("X-Sandbox-Progression", "time, immediate, polls:N") from None
    return fate


def _header_error(header: str, expected: str) -> BadRequest:
    message = f"{header} must be one of: {expected}"
    return BadRequest(message, fields=[{"field": header, "message": message}])


def fate_from_coid(co_id: str) -> Fate:
    """The fate a coId's magic prefixes ask for, e.g. `REJECT_NO_CREDIT-SLOW5000-myorder`."""
    fate = Fate()
    for token in co_id.split("-"):
        match = _MAGIC.match(token)
        if not match:
            break
        if token in _MAGIC_OUTCOME or token.startswith("REJECT_"):
            outcome = _MAGIC_OUTCOME.get(token, REJECTED)
            code = token.removeprefix("REJECT_") if token.startswith("REJECT_") else None
            reason = reason_for(outcome, f"the coId prefix {token}-", code)
            fate = replace(fate, outcome=outcome, reason=reason)
        elif token == "NOW":
            fate = replace(fate, progression=Progression("immediate", 1))
        elif match[2]:
            fate = replace(fate, fill_delay_ms=int(match[2]))
        elif match[3] and int(match[3]) > 0:
            fate = replace(fate, progression=Progression("polls", int(match[3])))
    return fate


class Outcomes:
    """One sandbox's outcome controls: its rules, and the seeded draw of the reject rate."""

    def __init__(self, config: Config, store: Store, seed: Seed) -> None:
        self.config = config
        self.rules: RuleBook[OutcomeRule] = RuleBook(store, "outcome", OutcomeRule.from_json)
        # Its own stream, so a reject rate never shifts the prices and ids of the venue's.
        self._rng = StoredRandom(store, "outcomes", seed)

    def decide(self, org: str, order: Ticket, directive: Fate | None) -> Fate:
        """Every control that bears on this order, layered: header, coId, rule, reject rate."""
        fate = directive or Fate()
        if self.config.magic_coids:
            fate = fate.over(fate_from_coid(order.co_id))
        rule = self.rules.fire(lambda r: r.matches(org, order))
        if rule is not None:
            fate = fate.over(rule.fate)
        if self.config.reject_probability > 0:
            unlucky = self._rng.random() < self.config.reject_probability
            if unlucky and fate.outcome is None:
                source = f"reject_probability {self.config.reject_probability}"
                reason = reason_for(REJECTED, source, "SANDBOX_RANDOM_REJECT")
                fate = replace(fate, outcome=REJECTED, reason=reason)
        return fate


@dataclass
class OutcomeRule(Rule):
    """Orders that match (org, symbol, side, type, size range, coId glob) get `fate`."""

    symbol: str | None = None
    side: str | None = None
    type: str | None = None
    min_size: float | None = None
    max_size: float | None = None
    co_id: str | None = None
    fate: Fate = Fate()

    def matches(self, org: str, order: Ticket) -> bool:
        size = float(order.size)
        return (
            self.org in (None, org)
            and self.symbol in (None, order.symbol)
            and self.side in (None, order.side)
            and self.type in (None, order.kind)
            and (self.min_size is None or size >= self.min_size)
            and (self.max_size is None or size <= self.max_size)
            and (self.co_id is None or self.glob_matches(self.co_id, order.co_id))
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutcomeRule:
        """A rule from POST /__admin/outcomes (shape and progression checked by sandbox.yaml)."""
        outcome = data.get("outcome")
        progression = data.get("progression")
        fate = Fate(
            outcome=outcome,
            reason=reason_for(outcome, "an outcome rule", data.get("reason")) if outcome else None,
            new_delay_ms=data.get("newDelayMs"),
            fill_delay_ms=data.get("fillDelayMs"),
            progression=Progression.parse(progression) if progression else None,
        )
        return cls(
            **cls.common_from_json(data),
            symbol=data.get("symbol"),
            side=data.get("side"),
            type=data.get("type"),
            min_size=data.get("minSize"),
            max_size=data.get("maxSize"),
            co_id=data.get("coId"),
            fate=fate,
        )

    def fields(self) -> dict[str, Any]:
        fate = self.fate
        return {
            "symbol": self.symbol,
            "side": self.side,
            "type": self.type,
            "minSize": self.min_size,
            "maxSize": self.max_size,
            "coId": self.co_id,
            "outcome": fate.outcome,
            "reason": fate.reason,
            "newDelayMs": fate.new_delay_ms,
            "fillDelayMs": fate.fill_delay_ms,
            "progression": str(fate.progression) if fate.progression else None,
        }
