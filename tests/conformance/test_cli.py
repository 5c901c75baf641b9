"""The commands through real subprocesses: exit statuses, report files, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from integral_mock.app import create_app
from integral_mock.cli import main
from integral_mock.client import IntegralClient
from integral_mock.config import Config
from integral_mock.conformance.reports.json_report import schema
from integral_mock.conformance.rules import BY_ID
from integral_mock.conformance.scenarios import SCENARIOS
from integral_mock.conformance.settings import Settings
from integral_mock.testing import running_app
from tests.conformance.support import FAST, REFERENCE, fast_flags, python_client, sandbox

CLI = [sys.executable, "-m", "integral_mock"]


def integral_mock(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_certify_writes_reports_a_ci_can_read(tmp_path: Path) -> None:
    done = integral_mock(
        "certify",
        "--scenario",
        "happy-path",
        "--scenario",
        "rejected",
        "--report-dir",
        str(tmp_path),
        *fast_flags(),
        "--",
        *REFERENCE,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[2/2] rejected" in done.stdout
    assert "PASSED: no must rule failed" in done.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    jsonschema.validate(report, schema())
    assert report["passed"] is True
    assert [s["name"] for s in report["scenarios"]] == ["happy-path", "rejected"]
    assert [s["exitCode"] for s in report["scenarios"]] == [0, 1]
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    cases = suites.findall("testsuite/testcase")
    assert len(cases) == 2 * 12
    assert not suites.findall(".//failure")
    page = (tmp_path / "report.html").read_text()
    assert "<h3>Timeline</h3>" in page
    assert "/v2/orders" in page
    assert "<script" not in page  # self-contained: nothing to run or fetch
    assert "<link" not in page


def test_a_failing_client_exits_1_with_the_failure_in_junit(tmp_path: Path) -> None:
    # slow-fill: on happy-path a loaded machine may fill the order before the poller has
    # made its eleventh read in a second, and a test must not depend on the machine's speed.
    done = integral_mock(
        "certify",
        "--scenario",
        "slow-fill",
        "--report-dir",
        str(tmp_path),
        *fast_flags(),
        "--",
        *python_client("tight_poller"),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL poll-interval" in done.stdout
    assert "hint: Wait between reads" in done.stdout
    (failure,) = ET.parse(tmp_path / "junit.xml").getroot().findall(".//failure")
    assert failure.get("type") == "must"
    assert "Evidence:" in (failure.text or "")
    flagged = [
        s
        for s in json.loads((tmp_path / "report.json").read_text())["scenarios"][0]["timeline"]
        if s["flagged"]
    ]
    assert len(flagged) > 10
    assert "class='flagged'" in (tmp_path / "report.html").read_text()


def test_certify_with_base_url_uses_that_sandbox(tmp_path: Path) -> None:
    with sandbox() as url:
        done = integral_mock(
            "certify", "--base-url", url, "--scenario", "poll-500", *fast_flags(), "--", *REFERENCE
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"against {url}" in done.stdout


def test_bad_input_in_a_real_process_is_one_line_and_exit_2() -> None:
    done = integral_mock("certify", "--scenario", "nope", "--", "true")
    assert done.returncode == 2
    assert done.stderr == (
        "integral-mock: unknown scenario 'nope'; known: "
        + ", ".join(s.name for s in SCENARIOS)
        + "\n"
    )


# The same entry point in-process (each interpreter start costs a second or two on CI).
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "http://127.0.0.1:9", "--", "true"], "cannot reach http://127.0.0.1:9"),
        (["--org", "nope", "--", "true"], "cannot log in as apiUserId@nope: UNKNOWN_ORG"),
        (["--set", "fill_ms=soon", "--", "true"], "is not a number"),
        ([], "no client command"),
        (["--scenario", "happy-path", "--", "/no/such/client"], "cannot run /no/such/client"),
        # Nothing run is nothing certified: not a PASSED a CI would take for one.
        (["--scenario", "rejected", "--skip", "rejected", "--", "true"], "no scenario left"),
        # fresh-quote judging by one quote life while the sandbox gives another would misjudge.
        (
            ["--set", "quote_lifetime_ms=5000", "--", "true"],
            "--set quote_lifetime_ms=5000: the sandbox keeps quotes 60000 ms",
        ),
    ],
)
def test_a_run_that_cannot_be_made_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["certify", *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_conformance_judges_live_traffic_and_refuses_an_unknown_org(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sandbox() as url:
        with IntegralClient(
            url, user="apiUserId", password="This is a long password!", org="apiOrganizationId"
        ) as client:
            client.spot_rate("EUR/USD")
        done = integral_mock("conformance", "--base-url", url, "--report-dir", str(tmp_path))
        bad = [
            (["--org", "nope"], "UNKNOWN_ORG"),
            (["--since", "yesterday"], "--since 'yesterday'"),
        ]
        with pytest.raises(SystemExit) as later:  # an ISO time, after all of the traffic
            main(["conformance", "--base-url", url, "--since", "2999-01-01T00:00Z"])
        assert later.value.code == 0
        rows = [line.split() for line in capsys.readouterr().out.splitlines()]
        verdicts = {row[0]: row[-1] for row in rows if row and row[0] in BY_ID}
        assert verdicts == dict.fromkeys(BY_ID, "-")  # every rule: not exercised
        for args, message in bad:
            with pytest.raises(SystemExit) as exited:
                main(["conformance", "--base-url", url, *args])
            assert exited.value.code == 2
            assert message in capsys.readouterr().err
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    jsonschema.validate(report, schema())
    assert report["mode"] == "live"
    assert len(report["scenarios"][0]["timeline"]) == 2


def test_certify_against_a_sandbox_with_an_admin_token(capsys: pytest.CaptureFixture[str]) -> None:
    config = Config.default(admin_token="s3cret", hang_ms=FAST.hang_ms)
    with running_app(create_app(config)) as url:
        base = ["certify", "--base-url", url, "--scenario", "happy-path", *fast_flags()]
        with pytest.raises(SystemExit) as refused:
            main([*base, "--", *REFERENCE])
        assert refused.value.code == 2
        assert "answered 401" in capsys.readouterr().err
        with pytest.raises(SystemExit) as allowed:
            main([*base, "--admin-token", "s3cret", "--", *REFERENCE])
    assert allowed.value.code == 0
    assert "PASSED" in capsys.readouterr().out


def test_fresh_quote_judges_by_the_quote_life_of_the_sandbox_it_runs_against(
    tmp_path: Path,
) -> None:
    config = Config.default(quote_lifetime_ms=4000, hang_ms=FAST.hang_ms)
    with running_app(create_app(config)) as url:
        base = ["certify", "--base-url", url, "--scenario", "happy-path", *fast_flags()]
        for extra in ([], ["--set", "quote_lifetime_ms=4000"]):
            with pytest.raises(SystemExit) as done:
                main([*base, "--report-dir", str(tmp_path), *extra, "--", *REFERENCE])
            assert done.value.code == 0
            report = json.loads((tmp_path / "report.json").read_text())
            assert report["settings"]["quote_lifetime_ms"] == 4000
        live = ["conformance", "--base-url", url, "--report-dir", str(tmp_path)]
        with pytest.raises(SystemExit) as judged:  # the live verdict judges by it too
            main(live)
        assert judged.value.code == 0
        assert json.loads((tmp_path / "report.json").read_text())["settings"] == (
            Settings(quote_lifetime_ms=4000).to_json()
        )
        with pytest.raises(SystemExit) as refused:
            main([*live, "--set", "quote_lifetime_ms=60000"])
        assert refused.value.code == 2
