"""`integral-mock certify … -- COMMAND` and `integral-mock conformance --base-url …`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from integral_mock.conformance.certify import Task, agreed, certify
from integral_mock.conformance.control import Control, RunError
from integral_mock.conformance.live import live_verdict
from integral_mock.conformance.report import Report
from integral_mock.conformance.reports import terminal, write_all
from integral_mock.conformance.scenarios import Scenario, select
from integral_mock.conformance.settings import Settings

EXIT_PASSED, EXIT_FAILED, EXIT_RUN_ERROR = 0, 1, 2
# Starts a sandbox for a run without --base-url and yields its base URL; cli.py gives it,
# since the app and the test server sit above this package.
SandboxStarter = Callable[[Settings], AbstractContextManager[str]]


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    task = Task()
    run = commands.add_parser(
        "certify",
        help="certify a client: run it through the scenarios and judge its traffic",
        description="Run COMMAND once per scenario against a sandbox and judge each run.",
    )
    run.add_argument("--scenario", action="append", default=[], metavar="NAME", help="only these")
    run.add_argument("--skip", action="append", default=[], metavar="NAME", help="not these")
    run.add_argument("--timeout", type=float, default=60.0, metavar="S", help="per scenario (60)")
    run.add_argument("--user", default=os.environ.get("INTEGRAL_USER", task.user))
    run.add_argument("--org", default=os.environ.get("INTEGRAL_ORG", task.org))
    for name in ("symbol", "side", "size", "currency"):
        run.add_argument(
            f"--{name}", default=getattr(task, name), help=f"(default {getattr(task, name)})"
        )
    _common(run, base_url_required=False)
    run.add_argument(
        "client_command", nargs=argparse.REMAINDER, metavar="-- COMMAND", help="the client to run"
    )
    live = commands.add_parser(
        "conformance",
        help="judge the traffic an org sent a running sandbox (the live verdict)",
        description="Judge an org's traffic in a running sandbox by the conformance rules.",
    )
    live.add_argument("--org", default=os.environ.get("INTEGRAL_ORG", task.org))
    live.add_argument("--since", metavar="T", help="epoch ms or ISO 8601 time (default: all)")
    _common(live, base_url_required=True)


def _common(parser: argparse.ArgumentParser, *, base_url_required: bool) -> None:
    parser.add_argument(
        "--base-url", required=base_url_required, help="a running sandbox (else one is started)"
    )
    parser.add_argument(
        "--report-dir", metavar="DIR", help="write junit.xml, report.json, report.html"
    )
    parser.add_argument("--admin-token", default=os.environ.get("INTEGRAL_MOCK_ADMIN_TOKEN", ""))
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a threshold or timing"
    )


def run_certify(args: argparse.Namespace, start_sandbox: SandboxStarter) -> int:
    """The certify command; every failure to run is one line and exit status 2."""
    try:
        given = args.client_command
        command = given[1:] if given[:1] == ["--"] else given
        if not command:
            raise RunError("no client command: integral-mock certify [OPTIONS] -- COMMAND [ARG …]")
        scenarios = select(args.scenario, args.skip)
        settings = Settings().with_assignments(args.set)
        task = Task(
            user=args.user,
            password=os.environ.get("INTEGRAL_PASSWORD", Task.password),
            org=args.org,
            **{k: getattr(args, k) for k in ("symbol", "side", "size", "currency")},
        )
        if args.base_url:
            report = _certify_at(args.base_url, args, command, scenarios, task, settings)
        else:
            with start_sandbox(settings) as base_url:
                report = _certify_at(base_url, args, command, scenarios, task, settings)
    except (RunError, ValueError) as exc:
        return _run_error(exc)
    return _finish(report, args.report_dir)


def _certify_at(
    base_url: str,
    args: argparse.Namespace,
    command: Sequence[str],
    scenarios: Sequence[Scenario],
    task: Task,
    settings: Settings,
) -> Report:
    control = Control(base_url, admin_token=args.admin_token)
    print(
        f"certifying {' '.join(command)} against {base_url} ({len(scenarios)} scenarios)",
        flush=True,
    )
    show = terminal.progress(lambda line: print(line, flush=True), len(scenarios))
    try:
        return certify(
            command,
            control,
            scenarios,
            task=task,
            settings=settings,
            timeout_s=args.timeout,
            progress=show,
            pinned=Settings.named(args.set),
        )
    finally:
        control.close()


def run_live(args: argparse.Namespace) -> int:
    """The conformance command: the live verdict on one org's traffic in a running sandbox.

    Judged here from the sandbox's journal, by the same code as GET /__admin/conformance,
    so that `--set` applies and the reports are the certification run's.
    """
    try:
        since = _epoch_ms(args.since) if args.since else None
        settings = Settings().with_assignments(args.set)
        control = Control(args.base_url, admin_token=args.admin_token)
        try:
            control.check()
            control.org_settings(args.org)  # an unknown org: one line, exit 2
            # Judged as GET /__admin/conformance judges: by the sandbox's quote life.
            quote_ms = control.quote_lifetime_ms(args.org)
            settings = agreed(settings, quote_ms, Settings.named(args.set))
            entries = control.journal(args.org)
        finally:
            control.close()
    except (RunError, ValueError) as exc:
        return _run_error(exc)
    report = live_verdict(
        entries,
        org=args.org,
        base_url=args.base_url,
        settings=settings,
        since=since,
        now_ms=int(time.time() * 1000),
    )
    return _finish(report, args.report_dir)


def _finish(report: Report, report_dir: str | None) -> int:
    print(terminal.summary(report), flush=True)
    if report_dir:
        for path in write_all(report, report_dir):
            print(f"wrote {path}", flush=True)
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _epoch_ms(text: str) -> int:
    if text.isdigit():
        return int(text)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since {text!r}: not epoch ms nor an ISO 8601 time") from None
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000)


def _run_error(exc: Exception) -> int:
    print(f"integral-mock: {exc}", file=sys.stderr)
    return EXIT_RUN_ERROR
