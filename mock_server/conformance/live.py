"""The live verdict: the rules over whatever traffic an org sent, scenario-free."""

from __future__ import annotations

from collections.abc import Sequence

from integral_mock.conformance import rules, traffic
from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry


def live_verdict(
    entries: Sequence[Entry],
    *,
    org: str,
    base_url: str,
    settings: Settings,
    since: int | None = None,
    now_ms: int = 0,
) -> Report:
    """Judge the org's entries from `since` (ms) on; what did not happen is not-exercised."""
    chosen = tuple(
        traffic.in_sending_order([e for e in entries if since is None or e["time"] >= since])
    )
    results = tuple(rules.judge(chosen, settings))
    span = chosen[-1]["time"] - chosen[0]["time"] if chosen else 0
    run = ScenarioRun(
        "live",
        f"Traffic of org {org}" + (f" since {since}" if since is not None else ""),
        results,
        chosen,
        duration_ms=span,
    )
    return Report("live", base_url, org, settings, [run], since=since, started_ms=now_ms)
