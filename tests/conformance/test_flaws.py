"""Certify on the command line: a flawed client fails by its flaw alone, odd good ones pass."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conformance.support import certify_cli, judged

# (client, scenario, the one rule it breaks, words of the verdict that name the flaw)
FLAWED = [
    (
        "treats_received_as_final",
        "happy-path",
        "final-status-reported",
        "no answer showed order 4000000001 FILLED: it last saw it RECEIVED",
    ),
    (
        "stops_at_new",
        "slow-fill",
        "final-status-reported",
        "no answer showed order 4000000001 FILLED: it last saw it NEW",
    ),
    ("market_not_pq", "happy-path", "final-status-reported", "has type 'Market'"),
    ("wrong_side", "happy-path", "final-status-reported", "has side 'Sell'"),
    ("cancels_after_final", "happy-path", "stop-at-final", "cancelled 5 time(s) after final"),
    ("password_in_url", "happy-path", "json-requests", "a secret (pass) was sent in the URL"),
    # HEAD is a read without the body: 27 refused HEADs a second are polling all the same.
    ("polls_with_head", "slow-fill", "poll-interval", "reads of order 4000000001 within one"),
    # No ambiguous answer here, but the task is one order: a second is a double placement.
    ("places_twice", "happy-path", "no-double-placement", "2 orders accepted for one intent"),
    # Reads by orderId and by coId read the same order: a Retry-After holds both back.
    ("switches_poll_on_429", "poll-429", "retry-after", "called again before its Retry-After"),
]


# stops_at_new is wrongly judged only if it first polls after the fill: the fill comes 3 s
# after the placement, not the 1 s of the fast flags, which a loaded machine could stall past.
# polls_at_ten_hz needs a fill late enough for eleven reads or more.
MORE_FLAGS = {
    "stops_at_new": ["--set=slow_fill_ms=3000"],
    "polls_at_ten_hz": ["--set=slow_fill_ms=2500"],
}


def certify(scenario: str, client: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    return certify_cli(scenario, client, report_dir, *MORE_FLAGS.get(client, []))


def verdicts(report_dir: Path) -> dict[str, str]:
    return {rule: verdict for rule, (verdict, _) in judged(report_dir).items()}


@pytest.mark.parametrize(
    ("client", "scenario", "rule", "words"), FLAWED, ids=[f[0] for f in FLAWED]
)
def test_a_flawed_client_fails_by_its_flaw_alone(
    client: str, scenario: str, rule: str, words: str, tmp_path: Path
) -> None:
    done = certify(scenario, client, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAIL {rule}" in done.stdout
    assert words in done.stdout
    failed = {id for id, verdict in verdicts(tmp_path).items() if verdict == "fail"}
    assert failed == {rule}, done.stdout


# (client, scenario, the rules it must pass there, not merely leave unexercised)
UNUSUAL_BUT_GOOD = [
    ("relogs_before_expiry", "token-expiry", {"token-reuse", "token-renewal"}),
    # A trade message carries the orderId and status Verified: not the order's status.
    ("downloads_trades", "happy-path", {"final-status-reported", "stop-at-final"}),
    # Ten reads a second is the limit, not over it, though the 11th read may come 999 ms on.
    ("polls_at_ten_hz", "slow-fill", {"poll-interval"}),
    # A second order once the first was shown REJECTED is a new attempt, not a double.
    ("requotes_after_reject", "rejected", {"final-status-reported"}),
]


@pytest.mark.parametrize(
    ("client", "scenario", "passes"), UNUSUAL_BUT_GOOD, ids=[g[0] for g in UNUSUAL_BUT_GOOD]
)
def test_an_unusual_good_client_passes(
    client: str, scenario: str, passes: set[str], tmp_path: Path
) -> None:
    done = certify(scenario, client, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    found = verdicts(tmp_path)
    assert "fail" not in found.values(), done.stdout
    assert {found[rule] for rule in passes} == {"pass"}, done.stdout
