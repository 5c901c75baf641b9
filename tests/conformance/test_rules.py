"""The rule book as a whole: every rule's verdict on a good run and on none; the settings."""

from __future__ import annotations

import pytest

from integral_mock.conformance import rules
from integral_mock.conformance.settings import Settings
from tests.conformance.journal import DEFAULT, Traffic


def test_a_well_behaved_run_passes_or_does_not_exercise_every_rule() -> None:
    results = {
        r.rule.id: r.judgment.verdict for r in rules.judge(Traffic().happy().entries, DEFAULT)
    }
    assert results == {
        "no-double-placement": "not-exercised",
        "lookup-before-replace": "not-exercised",
        "poll-interval": "pass",
        "stop-at-final": "pass",
        "retry-after": "not-exercised",
        "backoff": "not-exercised",
        "token-reuse": "pass",
        "token-renewal": "not-exercised",
        "fresh-quote": "pass",
        "json-requests": "pass",
        "request-id": "pass",
        "final-status-reported": "not-exercised",
    }


def test_no_rule_is_exercised_by_no_traffic() -> None:
    assert {r.judgment.verdict for r in rules.judge([], DEFAULT)} == {"not-exercised"}


def test_settings_take_assignments_and_refuse_unknown_names() -> None:
    changed = Settings().with_assignments(["max_reads_per_second=4", "slow-fill-ms=900"])
    assert (changed.max_reads_per_second, changed.slow_fill_ms) == (4.0, 900)
    for bad in ("nope=1", "fill_ms", "fill_ms=soon", "fill_ms=-1"):
        with pytest.raises(ValueError, match="--set"):
            Settings().with_assignments([bad])
    with pytest.raises(ValueError, match="backoff_shrink is no longer a setting: backoff judges"):
        Settings().with_assignments(["backoff_shrink=0.5"])
