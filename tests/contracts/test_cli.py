"""The CI recipe works: `st run openapi/integral.yaml --url URL` logs in, checks, reports JUnit."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from integral_mock.contracts import credentials, rules
from integral_mock.contracts.target import Ticking, WsgiApp
from integral_mock.testing import running_sandbox
from tests.contracts.drifts import DRIFTS
from tests.helpers import close_app

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serving(drift: str | None = None) -> Iterator[str]:
    """The sandbox (behind `drift`, if named) on a free loopback port, ticking as in-process.

    running_sandbox's server keeps the SSO_TOKEN header, which Werkzeug's own drops (underscore).
    """
    with running_sandbox() as sandbox:
        # Flask's seam for WSGI middleware: what wraps app.wsgi_app sees every request.
        wsgi: WsgiApp = Ticking(sandbox.app.wsgi_app, sandbox.clock)
        sandbox.app.wsgi_app = DRIFTS[drift].wrap(wsgi) if drift else wsgi  # type: ignore[method-assign]
        yield sandbox.base_url
    close_app(sandbox.app)


def st_run(url: str, junit: Path, *options: str) -> subprocess.CompletedProcess[str]:
    # `python -m schemathesis.cli` is `st`, found without relying on PATH.
    command = [sys.executable, "-m", "schemathesis.cli", "run", "openapi/integral.yaml"]
    command += ["--url", url, "--max-examples", "5", *options]
    command += ["--report-junit-path", str(junit), "--no-color"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRAL_")}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_st_run_logs_in_passes_and_writes_junit(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    with serving() as url:
        run = st_run(url, junit)
        placed = requests.get(f"{url}/__admin/orders", timeout=5).json()
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    # A run where every call but login answers 401 passes too: orders on the book, and no
    # warning from Schemathesis, prove the token got through.
    assert placed, run.stdout[-4000:]
    assert "Authentication failed" not in run.stdout, run.stdout[-4000:]
    suite = ET.parse(junit).getroot()
    totals = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert totals is not None
    assert int(totals.get("tests", "0")) > 0
    assert totals.get("failures") == "0"
    assert totals.get("errors") == "0"


def test_st_run_applies_our_own_checks(tmp_path: Path) -> None:
    """Only contracts/checks.py can see this drift, so failing proves the hooks are loaded.

    Every answer carries the made-up request id, so one operation is enough to show it.
    """
    with serving("request_id_not_echoed") as url:
        run = st_run(url, tmp_path / "junit.xml", "--include-operation-id", "getSpotRate")
    assert run.returncode == 1, run.stdout[-4000:] + run.stderr[-2000:]
    assert "request_id_is_echoed" in run.stdout


def test_the_suite_as_a_command_checks_a_server_and_writes_junit(tmp_path: Path) -> None:
    junit, again = tmp_path / "contracts.xml", tmp_path / "again.xml"
    with serving() as url:
        first = contracts_command(url, tmp_path, "--junit", str(junit))
        # A second run on the same server (a venue keeps every coId, trade and resting order
        # the first one left) passes too; here with what a live venue may decide otherwise,
        # and the STP download, left out.
        token = logged_in(url, credentials.caller())
        # As an earlier run that died may leave one: a resting order under a live run's coId.
        leftover = rest_an_order(url, token, "leftover~0123456789ab-1")
        skips = ["--skip-sandbox-decisions", "--skip-stp-download"]
        second = contracts_command(url, tmp_path, "--junit", str(again), *skips)
        working = requests.get(f"{url}/v2/orders", headers=token, timeout=10).json()
        found = requests.get(f"{url}/v2/orders/{leftover}", headers=token, timeout=10).json()
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    assert " passed" in first.stdout.splitlines()[-1]
    tests = junit_tests(junit)
    assert tests > 10
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
    assert " deselected" in second.stdout.splitlines()[-1]
    assert junit_tests(again) < tests
    assert not ET.parse(again).getroot().findall(".//failure")
    # A live run cancels what runs of the suite left working: none of theirs rests any more.
    assert found["status"] == "CANCELLED", found
    assert [o for o in working if rules.made_by_a_live_run(o["coId"])] == []


def contracts_command(url: str, cwd: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`integral-mock contracts` against `url`, two examples per operation."""
    command = [sys.executable, "-m", "integral_mock", "contracts", "--base-url", url]
    command += ["--max-examples", "2", *options]
    # From an empty folder: the installed suite needs nothing of this checkout.
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def junit_tests(junit: Path) -> int:
    """How many tests a JUnit report counts; none of them may have failed."""
    suites = ET.parse(junit).getroot()
    assert not suites.findall(".//failure")
    return int(suites.get("tests") or suites[0].get("tests") or 0)


def logged_in(url: str, login: credentials.Credentials) -> dict[str, str]:
    """The SSO_TOKEN header of a fresh login as `login`."""
    sent = {"user": login.user, "pass": login.password, "org": login.org}
    answer = requests.post(f"{url}/v2/sso/login", json=sent, timeout=10)
    return {"SSO_TOKEN": answer.headers["SSO_TOKEN"]}


def rest_an_order(url: str, token: dict[str, str], co_id: str) -> str:
    """The id of a Limit GTC order buying EUR/USD far under the bid: it works until cancelled."""
    spot = {"symbol": "EUR/USD"}
    quote = requests.get(f"{url}/v2/rates/spot", params=spot, headers=token, timeout=10).json()
    order = {"coId": co_id, "side": "Buy", "symbol": "EUR/USD", "currency": "EUR", "size": 1000}
    order |= {"type": "Limit", "timeInForce": "GTC", "price": round(quote["bid"] * 0.9, 5)}
    placed = requests.post(f"{url}/v2/orders", json=order, headers=token, timeout=10)
    assert placed.status_code == 202, placed.text
    order_id: str = placed.json()["orderId"]
    return order_id


def test_the_suite_as_a_command_says_in_a_line_when_nothing_listens(tmp_path: Path) -> None:
    with running_sandbox() as sandbox:
        url = sandbox.base_url  # stopped on leaving: nothing listens there any more
    close_app(sandbox.app)
    command = [sys.executable, "-m", "integral_mock", "contracts", "--base-url", url]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    said = f"integral-mock contracts: nothing answers at {url} (ConnectionError); start the"
    assert done.stderr.splitlines() == [f"{said} server first"]


def test_pytest_contracts_says_in_a_line_when_nothing_listens(tmp_path: Path) -> None:
    with running_sandbox() as sandbox:
        url = sandbox.base_url
    close_app(sandbox.app)
    command = [sys.executable, "-m", "pytest", str(ROOT / "contracts"), "--base-url", url]
    done = subprocess.run(
        [*command, "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) <= 2, lines  # pytest says its exit reason twice; no chain of tracebacks
    assert f"nothing answers at {url}" in lines[0]
