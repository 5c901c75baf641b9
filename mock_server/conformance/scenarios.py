"""The certification scenarios: what each sets up through the control API, what it exercises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integral_mock.conformance.control import Control
from integral_mock.conformance.settings import Settings

Setup = Callable[[Control, str, Settings], None]
POLLS = "/v2/orders*"  # GET by id, by coId and the active list: every way to poll


@dataclass(frozen=True)
class Scenario:
    """A named situation the client is put in, and the rules it is there to exercise."""

    name: str
    description: str
    setup: Setup
    exercises: tuple[str, ...]


def _fill(ms_of: Callable[[Settings], int]) -> Setup:
    """Orders of the org go RECEIVED → NEW → FILLED-or-REJECTED (their own fate) in that time."""

    def setup(control: Control, org: str, settings: Settings) -> None:
        ms = ms_of(settings)
        control.add_outcome(org, newDelayMs=ms // 3, fillDelayMs=ms)

    return setup


def _with(*steps: Setup) -> Setup:
    def setup(control: Control, org: str, settings: Settings) -> None:
        for step in steps:
            step(control, org, settings)

    return setup


def _fault(method: str, path: str, fault: str) -> Setup:
    def setup(control: Control, org: str, settings: Settings) -> None:
        control.add_fault(org, method=method, path=path, fault=fault, times=1)

    return setup


def _rejected(control: Control, org: str, settings: Settings) -> None:
    ms = settings.fill_ms
    control.add_outcome(org, outcome="REJECTED", reason="CREDIT_LIMIT", fillDelayMs=ms)


def _short_token(control: Control, org: str, settings: Settings) -> None:
    control.token_lifetime(org, settings.token_lifetime_ms)


_usual = _fill(lambda s: s.fill_ms)
_COMMON = ("fresh-quote", "json-requests", "request-id", "token-reuse", "final-status-reported")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "happy-path",
        "No faults: the order fills after fill_ms.",
        _usual,
        (*_COMMON, "poll-interval", "stop-at-final"),
    ),
    Scenario(
        "slow-fill",
        "The fill takes slow_fill_ms, so polling discipline shows.",
        _fill(lambda s: s.slow_fill_ms),
        ("poll-interval", "stop-at-final", "final-status-reported"),
    ),
    Scenario(
        "rejected",
        "The order is REJECTED (CREDIT_LIMIT); the client must exit non-zero.",
        _rejected,
        ("stop-at-final", "final-status-reported"),
    ),
    Scenario(
        "rate-503",
        "The first spot rate request answers 503 with Retry-After: 1.",
        _with(_usual, _fault("GET", "/v2/rates/*", "503")),
        ("retry-after", "backoff", "fresh-quote", "final-status-reported"),
    ),
    Scenario(
        "poll-429",
        "The first poll of the order answers 429 with Retry-After: 1.",
        _with(_usual, _fault("GET", POLLS, "429")),
        ("retry-after", "poll-interval", "final-status-reported"),
    ),
    Scenario(
        "poll-500",
        "The first poll answers 500, the next ones succeed.",
        _with(_usual, _fault("GET", POLLS, "500")),
        ("backoff", "poll-interval", "final-status-reported"),
    ),
    Scenario(
        "lost-placement-answer",
        "The order is committed, then the connection drops before the answer (reset-after).",
        _with(_usual, _fault("POST", "/v2/orders", "reset-after")),
        ("no-double-placement", "lookup-before-replace", "final-status-reported"),
    ),
    Scenario(
        "placement-hangs",
        "POST /v2/orders gets no answer until the client gives up (or hang_ms passes).",
        _with(_usual, _fault("POST", "/v2/orders", "hang")),
        ("no-double-placement", "lookup-before-replace", "final-status-reported"),
    ),
    Scenario(
        "token-expiry",
        "Tokens live token_lifetime_ms and the fill takes token_fill_ms: the token expires.",
        _with(_short_token, _fill(lambda s: s.token_fill_ms)),
        ("token-renewal", "token-reuse", "final-status-reported"),
    ),
    Scenario(
        "truncated-poll",
        "The first poll's answer is cut off halfway.",
        _with(_usual, _fault("GET", POLLS, "truncated")),
        ("backoff", "stop-at-final", "final-status-reported"),
    ),
)
BY_NAME = {s.name: s for s in SCENARIOS}


def select(only: list[str], skip: list[str]) -> list[Scenario]:
    """The scenarios to run, in their order; ValueError names an unknown one."""
    unknown = [n for n in [*only, *skip] if n not in BY_NAME]
    if unknown:
        known = ", ".join(BY_NAME)
        raise ValueError(f"unknown scenario {unknown[0]!r}; known: {known}")
    chosen = [s for s in SCENARIOS if not only or s.name in only]
    left = [s for s in chosen if s.name not in skip]
    if not left:  # a run of nothing would say PASSED, and a CI would take it for one
        raise ValueError("no scenario left to run: --skip leaves out every one chosen")
    return left
