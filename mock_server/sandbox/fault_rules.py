"""Which faults a request gets: its X-Sandbox-* headers, the /__admin/faults rules, the config.

Every draw (a rule's probability, a latency, garbage bytes) comes from one seeded stream of
its own (`faults`, kept in the store), apart from the venue's so that faults never shift
prices, rate ids or order ids. A request's draws happen in one transaction, in request order,
so the same seed and the same requests replay the same faults, whichever worker answers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from integral_mock.config import Config
from integral_mock.errors import BadRequest
from integral_mock.exchange.seeding import Seed, StoredRandom
from integral_mock.sandbox.faults import Chain, Delay, Error, Fault, fault_of
from integral_mock.sandbox.latency import MAX_LATENCY_MS, Latency, parse_latency, whole_ms
from integral_mock.sandbox.rules import Rule, RuleBook
from integral_mock.store import Store, StoreUnavailable

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


class HangLatch:
    """What a `hang` waits on; a release by any worker ends every hang, through the store.

    Each worker's own hangs wake at once (an Event); another worker's see the release
    within POLL_S, by the generation number the store keeps.
    """

    POLL_S = 0.2

    def __init__(self, store: Store) -> None:
        self.store = store
        self._local = threading.Event()
        self._lock = threading.Lock()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds of real time; True if released before then."""
        start, local = self._generation(), self._local
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if local.wait(min(self.POLL_S, left)):
                return True
            if start is not None and self._generation() not in (start, None):
                return True
        return False

    def _generation(self) -> int | None:
        """How many releases the store has seen; None while it is out of reach, when a hang
        goes on (a fault is the sandbox's word, not the database's) until its time is up."""
        try:
            return int(self.store.peek(_HANGS, 0))
        except StoreUnavailable:
            return None

    def release(self) -> None:
        self.store.add_value(_HANGS, 1)
        with self._lock:  # two releases at once must not lose a latch a request waits on
            released, self._local = self._local, threading.Event()
        released.set()


_HANGS = "hang_releases"


class FaultRules:
    """One sandbox's fault controls: its rules, its seeded stream, and a latch for hangs."""

    def __init__(self, config: Config, store: Store, seed: Seed) -> None:
        self.config = config
        self.store = store
        self.rules: RuleBook[FaultRule] = RuleBook(store, "fault", FaultRule.from_json)
        self._rng = StoredRandom(store, "faults", seed)
        self._global_latency = parse_latency(config.latency)
        self.hang_latch = HangLatch(store)

    def release_hangs(self) -> None:
        self.hang_latch.release()

    def plan(self, method: str, path: str, org: str | None, headers: Any) -> Fault:
        """The chain for one request: header faults, then matching rules, then the config's."""
        asked = self.config.sandbox_headers and (
            FAULT_HEADER in headers or LATENCY_HEADER in headers
        )
        if not (asked or self._global_latency or self.rules.live()):
            return Chain(())  # the common case: nothing to draw, no write lock taken
        with self.store.transaction():
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
