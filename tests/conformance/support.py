"""Helpers for the conformance tests: fast scenario timings, a sandbox, a certify call."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from integral_mock.app import create_app
from integral_mock.config import Config
from integral_mock.conformance.certify import Task, certify
from integral_mock.conformance.control import Control
from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.scenarios import select
from integral_mock.conformance.settings import Settings
from integral_mock.testing import running_app

CLIENTS = Path(__file__).parent / "clients"
# Fast but real: every wait is real time, so tests keep the timings short.
FAST = Settings(
    fill_ms=200, slow_fill_ms=1000, token_lifetime_ms=1000, token_fill_ms=2500, hang_ms=600
)
REFERENCE = [sys.executable, "-m", "integral_mock.client", "trade"]


def python_client(name: str) -> list[str]:
    return [sys.executable, str(CLIENTS / f"{name}.py")]


def client_command(name: str) -> list[str]:
    """How to run a client of clients/: a script with a suffix as it is, a name in Python."""
    return [str(CLIENTS / name)] if "." in name else python_client(name)


@contextmanager
def sandbox() -> Iterator[str]:
    """A sandbox as certify starts one (system clock, real sleeps), fast hang."""
    config = Config.default(hang_ms=FAST.hang_ms, journal_size=50_000, validate_responses=True)
    with running_app(create_app(config)) as base_url:
        yield base_url


def run(
    command: Sequence[str], scenarios: Sequence[str] = (), base_url: str = "", timeout_s: float = 30
) -> Report:
    """Certify `command` on these scenarios (all when none), on a sandbox of its own."""
    if not base_url:
        with sandbox() as url:
            return run(command, scenarios, url, timeout_s)
    control = Control(base_url)
    try:
        return certify(
            command,
            control,
            select(list(scenarios), []),
            task=Task(),
            settings=FAST,
            timeout_s=timeout_s,
        )
    finally:
        control.close()


def failures(run: ScenarioRun) -> set[str]:
    return {r.rule.id for r in run.results if r.failed}


def explain(report: Report) -> str:
    """What failed, with the client's output: the message of a failed assertion."""
    lines = []
    for run in report.scenarios:
        for result in (r for r in run.results if r.failed):
            lines.append(f"{run.name}: {result.rule.id}: {result.judgment.detail}")
        lines.append(f"{run.name} output: {run.output[-600:]}")
    return "\n".join(lines)


def fast_flags() -> list[str]:
    """FAST as `--set` flags, for the command line."""
    names = ("fill_ms", "slow_fill_ms", "token_lifetime_ms", "token_fill_ms", "hang_ms")
    return [f"--set={name}={getattr(FAST, name)}" for name in names]


def certify_cli(
    scenario: str, client: str, report_dir: Path, *flags: str
) -> subprocess.CompletedProcess[str]:
    """`integral-mock certify` as a user runs it: one scenario, the FAST timings, then `flags`
    (a later --set wins), the client `client` of clients/, reports in `report_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "integral_mock", "certify", "--scenario", scenario]
        + ["--report-dir", str(report_dir), *fast_flags(), *flags, "--", *client_command(client)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def judged(report_dir: Path) -> dict[str, tuple[str, str]]:
    """rule id → (verdict, detail) of the one scenario report.json holds."""
    (ran,) = json.loads((report_dir / "report.json").read_text())["scenarios"]
    return {r["id"]: (r["verdict"], r["detail"]) for r in ran["rules"]}
