"""Certification runs for real clients in real processes: good ones pass, bad ones are caught."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from integral_mock.conformance.certify import OUTPUT_TAIL
from integral_mock.conformance.reports import write_all
from integral_mock.conformance.scenarios import SCENARIOS
from tests.conformance.support import CLIENTS, REFERENCE, explain, failures, python_client, run

ALL = [s.name for s in SCENARIOS]


GOOD = {
    "reference": REFERENCE,
    "stdlib": python_client("base"),
    "node": ["node", str(CLIENTS / "node_client.mjs")],  # not Python, run unchanged
}


# One test per client and scenario (not one run of all ten), so that xdist spreads them.
@pytest.mark.parametrize("scenario", ALL)
@pytest.mark.parametrize("client", GOOD)
def test_good_client_passes_every_scenario(client: str, scenario: str) -> None:
    command = GOOD[client]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    report = run(command, [scenario])
    (ran,) = report.scenarios
    assert ran.name == scenario
    assert report.passed, explain(report)
    assert not failures(ran), explain(report)
    # It exercised what it is there for: nothing passed by not happening.
    verdicts = {r.rule.id: r.judgment.verdict for r in ran.results}
    assert {verdicts[rule] for rule in ran.exercises} == {"pass"}, explain(report)


# Each bad client breaks one must rule; its scenarios show it. A re-POST after a lost answer
# cannot help also skipping the lookup, so that one breaks the `should` rule beside it too;
# a client that stops at a refused token breaks token-renewal, and leaves its order working.
BAD = [
    ("tight_poller", ["slow-fill"], {"poll-interval"}),
    (
        "fresh_coid_repost",
        ["lost-placement-answer"],
        {"no-double-placement", "lookup-before-replace"},
    ),
    ("ignores_retry_after", ["poll-429"], {"retry-after"}),
    ("login_per_call", ["happy-path"], {"token-reuse"}),
    ("polls_after_final", ["happy-path"], {"stop-at-final"}),
    ("always_exit_zero", ["rejected"], {"final-status-reported"}),
    ("off_quote_price", ["happy-path"], {"fresh-quote"}),
    ("token_in_url", ["happy-path"], {"json-requests"}),
    ("gives_up_on_fault", ["poll-500"], {"final-status-reported"}),
    # refused with a 400, it never has an order: the rule says why
    ("not_json_body", ["happy-path"], {"json-requests", "final-status-reported"}),
    ("gives_up_on_401", ["token-expiry"], {"token-renewal", "final-status-reported"}),
]


@pytest.mark.parametrize(("client", "scenarios", "broken"), BAD, ids=[b[0] for b in BAD])
def test_bad_client_is_flagged_for_exactly_its_rule(
    client: str, scenarios: list[str], broken: set[str]
) -> None:
    report = run(python_client(client), ["happy-path", *scenarios])
    assert not report.passed
    flagged = set().union(*(failures(s) for s in report.scenarios))
    assert flagged == broken, explain(report)
    # Evidence points at requests the client really sent (or at its order, for the exit code).
    for scenario in report.scenarios:
        for result in (r for r in scenario.results if r.failed):
            assert result.judgment.detail
            ids = {e.get("requestId") for e in scenario.entries}
            cited = {e.request_id for e in result.judgment.evidence if e.method != "ORDER"}
            assert cited <= ids


def test_a_client_is_done_when_it_exits_though_a_child_holds_its_output() -> None:
    report = run(python_client("leaves_a_child"), ["happy-path"])
    (ran,) = report.scenarios
    assert report.passed, explain(report)
    assert (ran.exit_code, ran.timed_out) == (0, False)
    assert ran.duration_ms < 10_000  # not the child's minute, nor the 30 s timeout
    child = Path(f"/proc/{ran.output.split()[1]}/stat")
    if child.parent.parent.exists():  # Linux: the child went with the client (or is a zombie)
        assert not child.exists() or child.read_text().split()[2] in "ZX"


def test_endless_output_is_cut_at_the_timeout_kept_short_and_fit_for_junit(tmp_path: Path) -> None:
    report = run(python_client("floods_output"), ["happy-path"], timeout_s=2)
    (ran,) = report.scenarios
    assert (ran.exit_code, ran.timed_out) == (None, True)
    final = next(r for r in ran.results if r.rule.id == "final-status-reported")
    assert final.judgment.detail == "the client did not finish in time (orders: no order)"
    assert ran.output.endswith("[killed after 2 s]")
    assert len(ran.output) <= OUTPUT_TAIL
    assert "ERROR \ufffd\ufffd retrying\n" in ran.output  # no colour codes, no NUL, no bell
    write_all(report, tmp_path)
    ET.parse(tmp_path / "junit.xml")  # XML 1.0 allows no control characters, even escaped
