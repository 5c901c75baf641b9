"""Runs of `pytest contracts`, each in a fresh process forked from one that imported it all once.

A teeth run used to be `python -m pytest contracts` in a subprocess: some 4 s of imports, plugin
loading and spec parsing before the first request. Here a forkserver imports pytest,
Schemathesis, the sandbox and the suite's hooks once (and parses the spec once, by building an
app), and every run is a fresh fork of it: the suite's module state (its hooks' coId counter,
its check registry) is as new as in a subprocess, and no run sees another's.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the forkserver imports before it forks any run.
PRELOAD = "tests.contracts.preload"


@dataclass(frozen=True)
class Run:
    """What a `pytest contracts` run ended with, and what it printed."""

    returncode: int
    stdout: str


def pytest_args(parts: tuple[str, ...], max_examples: int, drift: str | None) -> list[str]:
    """The command line of one run: `parts` of the suite, a small seeded budget, `-x`."""
    args = [*(str(ROOT / part) for part in parts), "-x", "-q", "-p", "no:cacheprovider"]
    args += ["--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml")]
    # The plugins' modules (Schemathesis', Hypothesis', Faker's) were imported before the fork,
    # too early for pytest to rewrite their asserts; it says so, and need not.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    args += ["--contract-max-examples", str(max_examples), "--contract-seed", "0"]
    if drift is not None:
        args += ["-p", "tests.contracts.drift_plugin", "--drift", drift]
    return args


def run_in_this_process(args: list[str]) -> Run:
    """`pytest ARGS` here (a freshly forked child), its terminal output caught."""
    for name in [name for name in os.environ if name.startswith("INTEGRAL_")]:
        del os.environ[name]  # the suite's defaults: the docs' example login, in-process
    os.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = pytest.main(args)
    return Run(int(code), out.getvalue())


def pool() -> ProcessPoolExecutor:
    """One worker process at a time, each used for one run and then replaced by a new fork."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1)
