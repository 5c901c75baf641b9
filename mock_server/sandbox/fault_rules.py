"""Which faults a request gets: its X-Sandbox-* headers, the /__admin/faults rules, the config.

Every draw (a rule's probability, a latency, garbage bytes) comes from one seeded source of
the app's own (``random.Random("faults:<seed>")``), kept apart from the venue's so that
faults never shift prices, rate ids or order ids. Draws happen under one lock, in request
order, so the same seed and the same requests replay the same faults.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from integral_mock.config import Config
from integral_mock.errors import BadRequest
from integral_mock.sandbox.faults import Chain, Delay, Error, Fault, fault_of
from integral_mock.sandbox.latency import MAX_LATENCY_MS, Latency, parse_latency, whole_ms
from integral_mock.sandbox.rules import Rule, RuleBook

FAULT_HEADER = "X-Sandbox-Fault"
LATENCY_HEADER = "X-Sandbox-Latency-Ms"


@dataclass
class FaultRule(Rule):
    """Requests that match (method, path glob, org) get `fault` and/or `latency`."""

    method: str = "*"
    path: str = "*"
    fault: str | None = None
    probability: float = 1.0
    latency: str = ""
    retry_after_s: int = 1
    # `latency` parsed once, when the rule is added, rather than on every request it fires on.
    delay: Latency | None = field(default=None, repr=False, compare=False)

    def matches(self, method: str, path: str, org: str | None) -> bool:
        return (
            self.method in ("*", method.upper())
            and self.glob_matches(self.path, path)
            and self.org in (None, org)
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        """A rule from POST /__admin/faults (its shape and fault kind checked by sandbox.yaml)."""
        latency = str(data["latencyMs"]) if "latencyMs" in data else data.get("latency", "")
        try:
            delay = parse_latency(latency)
        except ValueError as exc:
            raise BadRequest(str(exc), fields=[{"field": "latency", "message": str(exc)}]) from None
        if not data.get("fault") and delay is None:
            message = "a fault rule needs a fault, a latency, or both"
            raise BadRequest(message, fields=[{"field": "fault", "message": message}])
        return cls(
            **cls.common_from_json(data),
            method=data.get("method", "*").upper(),
            path=data.get("path", "*"),
            fault=data.get("fault"),
            probability=float(data.get("probability", 1.0)),
            latency=latency,
            retry_after_s=int(data.get("retryAfter", 1)),
            delay=delay,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "fault": self.fault,
            "probability": self.probability,
            "latency": self.latency or None,
            "retryAfter": self.retry_after_s,
        }


class FaultRules:
    """One app's fault controls: its rules, its seeded source, and a latch for hung requests."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.rules: RuleBook[FaultRule] = RuleBook()
        self._rng = random.Random(f"faults:{config.seed}")
        self._lock = threading.Lock()
        self._global_latency = parse_latency(config.latency)
        self._hang = threading.Event()

    @property
    def hang_latch(self) -> threading.Event:
        """What a hang waits on now; `release_hangs` sets it and starts a fresh one."""
        return self._hang

    def release_hangs(self) -> None:
        with self._lock:  # two releases at once must not lose a latch a request waits on
            released, self._hang = self._hang, threading.Event()
        released.set()

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._rng.seed(f"faults:{seed}")

    def plan(self, method: str, path: str, org: str | None, headers: Any) -> Fault:
        """The chain for one request: header faults, then matching rules, then the config's."""
        with self._lock:
            faults = self._from_headers(headers) if self.config.sandbox_headers else []
            fired = self.rules.fire_all(lambda r: r.matches(method, path, org), self._draw)
            for rule in fired:
                faults += self._latency(rule.delay)
                if rule.fault:
                    faults.append(fault_of(rule.fault, self._rng, rule.retry_after_s))
            faults += self._latency(self._global_latency)
        return Chain(tuple(faults))

    def _draw(self, rule: FaultRule) -> bool:
        # Drawn only for a real chance, so rules at probability 1 use up no numbers.
        return rule.probability >= 1.0 or self._rng.random() < rule.probability

    def _latency(self, latency: Latency | None) -> list[Fault]:
        return [] if latency is None else [Delay(latency(self._rng))]

    def _from_headers(self, headers: Any) -> list[Fault]:
        faults: list[Fault] = []
        latency, kind = headers.get(LATENCY_HEADER), headers.get(FAULT_HEADER)
        if latency is not None:
            ms = whole_ms(latency)
            if ms is None or ms > MAX_LATENCY_MS:
                message = f"{LATENCY_HEADER} must be milliseconds, 0 to {MAX_LATENCY_MS}"
                return [Error(400, message)]
            faults.append(Delay(ms))
        if kind is not None:
            try:
                faults.append(fault_of(kind, self._rng))
            except ValueError as exc:
                return [Error(400, f"{FAULT_HEADER}: {exc}")]
        return faults
