"""`integral-mock contracts`: the contract suite as a command, against a base URL or in-process."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

import requests

SUITE = Path(__file__).resolve().parent


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "contracts",
        help="run the Schemathesis contract suite against a server (needs the contracts extra)",
    )
    run.add_argument("--base-url", help="the server to test (default: a sandbox in-process)")
    run.add_argument("--junit", metavar="FILE", help="write a JUnit XML report there")
    run.add_argument("--max-examples", type=int, default=100, help="per operation (default 100)")
    run.add_argument("--seed", type=int, default=0, help="seed of every generated request")
    run.add_argument(
        "--skip-sandbox-decisions",
        action="store_true",
        help="leave out the tests of the sandbox's decisions where Integral's docs are silent",
    )
    run.add_argument(
        "--skip-stp-download",
        action="store_true",
        help="never download or resend the org's STP trades (another system reads them)",
    )


def run(args: argparse.Namespace) -> int:
    """The suite's exit status: 0 when the server kept the contract, 1 when it broke it, 2 when
    it could not be run (no contracts extra, nothing listening)."""
    missing = [m for m in ("pytest", "schemathesis") if importlib.util.find_spec(m) is None]
    if missing:
        return _cannot(f"needs {', '.join(missing)}: pip install 'integral-mock[contracts]'")
    if args.base_url and (problem := unreachable(args.base_url)):
        return _cannot(problem)
    import pytest  # only now: `integral-mock serve` needs no test tools

    options = ["--contract-max-examples", str(args.max_examples), "--contract-seed", str(args.seed)]
    if args.base_url:
        options += ["--base-url", args.base_url]
    if args.junit:
        options += ["--junitxml", str(Path(args.junit).resolve())]
    if skipped := _skipped_markers(args):
        options += ["-m", " and ".join(f"not {marker}" for marker in skipped)]
    with tempfile.TemporaryDirectory() as empty:
        # The suite's own folder as rootdir, and an empty ini: a user's pytest settings (or
        # this checkout's, under an editable install) do not change what the suite runs.
        ini = Path(empty) / "pytest.ini"
        ini.write_text("[pytest]\n")
        argv = [str(SUITE), "-c", str(ini), "--rootdir", str(SUITE), "-p", "no:cacheprovider"]
        argv += ["-p", "no:faker"]  # Faker is imported already (the sandbox uses it)
        return int(pytest.main([*argv, "-q", *options]))


def _skipped_markers(args: argparse.Namespace) -> list[str]:
    """The suite's markers (conftest.MARKERS) the options leave out."""
    wanted = {
        "sandbox_decision": args.skip_sandbox_decisions,
        "stp_download": args.skip_stp_download,
    }
    return [marker for marker, skip in wanted.items() if skip]


def unreachable(base_url: str) -> str | None:
    """Why nothing answers at `base_url`, in a line (not the suite's chain of tracebacks)."""
    if not base_url.startswith(("http://", "https://")):
        return f"--base-url {base_url!r} must start with http:// or https://"
    try:
        requests.get(base_url, timeout=10)
    except requests.RequestException as exc:
        return f"nothing answers at {base_url} ({type(exc).__name__}); start the server first"
    return None


def _cannot(problem: str) -> int:
    print(f"integral-mock contracts: {problem}", file=sys.stderr)
    return 2
