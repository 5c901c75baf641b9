"""The contract suite has teeth: it passes on the honest sandbox and fails on every drift."""

# Each run is `pytest contracts` with a small seeded budget and `-x` (one failure is proof
# enough), in a fresh process forked from one that imported everything once (suite_runs.py).
# A drift's run gets the part of the suite that notices it (drift_table.py: `parts`, narrowed
# by a `keyword` expression where one operation's generated cases are enough); the honest
# sandbox passes the whole suite at the same budget, so each failure is the drift's doing.

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.contracts.drifts import DRIFTS
from tests.contracts.suite_runs import Run, pool, pytest_args, run_in_this_process

TEETH_MAX_EXAMPLES = 5
WHOLE_SUITE = ("contracts",)
RUN_TIMEOUT_S = 300
RunSuite = Callable[..., Run]


@pytest.fixture(scope="session")
def run_suite() -> Iterator[RunSuite]:
    """Runs the suite (one run at a time in this test process; xdist spreads the tests)."""
    with pool() as runs:

        def run(parts: tuple[str, ...], drift: str | None = None, keyword: str = "") -> Run:
            args = pytest_args(parts, TEETH_MAX_EXAMPLES, drift)
            args += ["-k", keyword] if keyword else []
            return runs.submit(run_in_this_process, args).result(timeout=RUN_TIMEOUT_S)

        yield run


def test_suite_passes_against_the_honest_sandbox(run_suite: RunSuite) -> None:
    run = run_suite(WHOLE_SUITE)
    assert run.returncode == 0, run.stdout[-6000:]


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_suite_catches(drift: str, run_suite: RunSuite) -> None:
    run = run_suite(DRIFTS[drift].parts, drift, DRIFTS[drift].keyword)
    # 1 is "tests failed"; anything else (errors in collection, crashes) proves nothing.
    assert run.returncode == 1, run.stdout[-6000:]
    caught_by = DRIFTS[drift].caught_by
    assert any(marker in run.stdout for marker in caught_by), (
        f"failed, but not as expected ({caught_by}):\n{run.stdout[-4000:]}"
    )
