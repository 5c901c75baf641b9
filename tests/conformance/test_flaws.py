"""Clients with one flaw each, certified on the command line: exit 1, the flaw named, only it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conformance.support import fast_flags, python_client

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
    ("password_in_url", "happy-path", "json-requests", "a secret (pass) was sent in the URL"),
]


@pytest.mark.parametrize(
    ("client", "scenario", "rule", "words"), FLAWED, ids=[f[0] for f in FLAWED]
)
def test_a_flawed_client_fails_by_its_flaw_alone(
    client: str, scenario: str, rule: str, words: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "integral_mock", "certify", "--scenario", scenario]
        + ["--report-dir", str(tmp_path), *fast_flags(), "--", *python_client(client)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAIL {rule}" in done.stdout
    assert words in done.stdout
    (ran,) = json.loads((tmp_path / "report.json").read_text())["scenarios"]
    failed = {r["id"] for r in ran["rules"] if r["verdict"] == "fail"}
    assert failed == {rule}, done.stdout
