"""The contract suite has teeth: it passes on the honest sandbox and fails on every drift."""

# Each run is `pytest contracts` in a subprocess, as CI runs it, with a small seeded budget and
# `-x` (one failure is proof enough). The runs start together and share the cores.

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.contracts.drifts import DRIFTS

ROOT = Path(__file__).resolve().parents[2]
HONEST = "honest"
TEETH_MAX_EXAMPLES = 5
RUN_TIMEOUT_S = 300


def run_suite(drift: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "contracts", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["--contract-max-examples", str(TEETH_MAX_EXAMPLES), "--contract-seed", "0"]
    if drift != HONEST:
        command += ["-p", "tests.contracts.drift_plugin", "--drift", drift]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRAL_")}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )


Runs = dict[str, Future[subprocess.CompletedProcess[str]]]


@pytest.fixture(scope="session")
def suite_runs(request: pytest.FixtureRequest) -> Iterator[Runs]:
    """One suite run per drift this session selected (and the honest one), all started at once."""
    mine = [item for item in request.session.items if item.path == Path(__file__)]
    wanted = {HONEST} | {
        item.callspec.params["drift"] for item in mine if hasattr(item, "callspec")
    }
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        yield {name: pool.submit(run_suite, name) for name in sorted(wanted)}


def test_suite_passes_against_the_honest_sandbox(suite_runs: Runs) -> None:
    run = suite_runs[HONEST].result()
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_suite_catches(drift: str, suite_runs: Runs) -> None:
    run = suite_runs[drift].result()
    # 1 is "tests failed"; anything else (errors in collection, crashes) proves nothing.
    assert run.returncode == 1, run.stdout[-4000:] + run.stderr[-2000:]
    caught_by = DRIFTS[drift].caught_by
    assert any(marker in run.stdout for marker in caught_by), (
        f"failed, but not as expected ({caught_by}):\n{run.stdout[-4000:]}"
    )
