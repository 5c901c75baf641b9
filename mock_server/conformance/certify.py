"""The certification runner: per scenario a clean org, its controls, the client, the verdicts."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from integral_mock.conformance import order_rules, rules, traffic
from integral_mock.conformance.control import Control, RunError
from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.scenarios import Scenario
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import RuleResult

OUTPUT_TAIL = 4000  # characters of the client's output kept per scenario
OUTPUT_GRACE_S = 0.5  # how long output is still read once the client has exited
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Task:
    """Who the client logs in as and what it trades: the INTEGRAL_* environment it gets."""

    user: str = "apiUserId"
    password: str = "This is a long password!"
    org: str = "apiOrganizationId"
    symbol: str = "EUR/USD"
    side: str = "Buy"
    size: str = "1000000"
    currency: str = "EUR"

    def environment(self, base_url: str, scenario: str) -> dict[str, str]:
        return {
            "INTEGRAL_BASE_URL": base_url,
            "INTEGRAL_USER": self.user,
            "INTEGRAL_PASSWORD": self.password,
            "INTEGRAL_ORG": self.org,
            "INTEGRAL_SYMBOL": self.symbol,
            "INTEGRAL_SIDE": self.side,
            "INTEGRAL_SIZE": self.size,
            "INTEGRAL_CURRENCY": self.currency,
            "INTEGRAL_SCENARIO": scenario,
        }

    def intent(self) -> dict[str, str]:
        """The order the client is asked for: one PQ order of this symbol, side, size, currency."""
        return {
            "type": "PQ",
            "symbol": self.symbol,
            "side": self.side,
            "size": self.size,
            "currency": self.currency,
        }


def certify(
    command: Sequence[str],
    control: Control,
    scenarios: Sequence[Scenario],
    *,
    task: Task,
    settings: Settings,
    timeout_s: float,
    progress: Callable[[int, Scenario, ScenarioRun], None] = lambda i, s, r: None,
    pinned: Collection[str] = (),
) -> Report:
    """Run the client once per scenario against the sandbox behind `control`; `pinned` names
    the settings the user gave (`--set`)."""
    control.check()
    control.login(task.user, task.password, task.org)
    settings = agreed(settings, control.quote_lifetime_ms(task.org), pinned)
    started = time.time()
    runs = []
    try:
        for index, scenario in enumerate(scenarios, 1):
            run = run_scenario(command, control, scenario, task, settings, timeout_s)
            runs.append(run)
            progress(index, scenario, run)
    finally:
        control.reset(task.org)  # leave the org as clean as we found it
    return Report(
        "certify",
        control.base_url,
        task.org,
        settings,
        runs,
        client=shlex.join(command),
        started_ms=int(started * 1000),
        duration_ms=int((time.time() - started) * 1000),
    )


def agreed(settings: Settings, sandbox_quote_ms: int, pinned: Collection[str]) -> Settings:
    """The settings, judging quotes by the life the sandbox really gives them.

    A fresh-quote threshold other than the sandbox's would misjudge: a longer one passes an
    order the sandbox rejects (QUOTE_EXPIRED), a shorter one fails one the sandbox fills.
    Left alone, it follows the sandbox; set to another value, the run is refused.
    """
    if "quote_lifetime_ms" not in pinned:
        return settings.replace(quote_lifetime_ms=sandbox_quote_ms)
    if settings.quote_lifetime_ms != sandbox_quote_ms:
        raise RunError(
            f"--set quote_lifetime_ms={settings.quote_lifetime_ms}: the sandbox keeps quotes "
            f"{sandbox_quote_ms} ms, and fresh-quote must judge by that; to judge by another, "
            "run a sandbox with that quote_lifetime_ms (integral-mock serve --config FILE) "
            "and pass its --base-url"
        )
    return settings


def run_scenario(
    command: Sequence[str],
    control: Control,
    scenario: Scenario,
    task: Task,
    settings: Settings,
    timeout_s: float,
) -> ScenarioRun:
    org = task.org
    control.reset(org)
    scenario.setup(control, org, settings)
    env = {**os.environ, **task.environment(control.base_url, scenario.name)}
    started = time.monotonic()
    exit_code, output = _run(command, env, timeout_s)
    duration_ms = int((time.monotonic() - started) * 1000)
    control.clear_faults(org)  # and let go of a hang the client walked away from
    entries = traffic.in_sending_order(control.journal(org))
    results = rules.judge(entries, settings)
    orders = control.orders(org)
    # Two rules know more here than in the live verdict: the exit status, and that the
    # task is one order.
    certified = {
        rules.FINAL_STATUS: rules.final_status(
            exit_code, orders, True, entries, asked=task.intent()
        ),
        rules.NO_DOUBLE: order_rules.one_order_per_intent(entries, settings),
    }
    results = [RuleResult(r.rule, certified.get(r.rule.id, r.judgment)) for r in results]
    return ScenarioRun(
        scenario.name,
        scenario.description,
        tuple(results),
        tuple(entries),
        scenario.exercises,
        exit_code,
        exit_code is None,
        duration_ms,
        output[-OUTPUT_TAIL:],
    )


def _run(command: Sequence[str], env: dict[str, str], timeout_s: float) -> tuple[int | None, str]:
    """The client's exit status (None: killed at the timeout) and the tail of what it printed."""
    try:
        proc = subprocess.Popen(
            list(command),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own process group, so a timeout takes the client's children down with it.
            start_new_session=True,
        )
    except OSError as exc:
        raise RunError(f"cannot run {shlex.join(command)}: {exc.strerror or exc}") from None
    tail = bytearray()
    try:  # Ctrl-C, say, included: never leave the client running on its own
        exit_code = _pump(proc, tail, time.monotonic() + timeout_s)
    finally:
        # Children it left behind too: a background poller would call the next scenario's API.
        # (A group outlives its leader while a member lives, so its id cannot be reused.)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    out = printable(tail.decode("utf-8", "replace"))
    return exit_code, out if exit_code is not None else f"{out}\n[killed after {timeout_s:g} s]"


def _pump(proc: subprocess.Popen[bytes], tail: bytearray, deadline: float) -> int | None:
    """Keep the last of the output until the client exits (None: the deadline came first).

    Its exit, not the end of its output, ends the run: a child it left in the background
    may hold the pipe open for ever, and a client that prints without end must not fill
    the memory.
    """
    assert proc.stdout is not None
    fd, more = proc.stdout.fileno(), True
    with selectors.DefaultSelector() as ready:
        ready.register(fd, selectors.EVENT_READ)
        while proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not more:  # the output ended, the client has not: just wait for it
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(left)
                continue
            if ready.select(min(left, 0.1)):
                more = _read(fd, tail)
        grace = time.monotonic() + OUTPUT_GRACE_S  # what it wrote just before it exited
        while more and ready.select(max(grace - time.monotonic(), 0)):
            more = _read(fd, tail)
    return proc.returncode


def _read(fd: int, tail: bytearray) -> bool:
    chunk = os.read(fd, 1 << 16)
    tail += chunk
    del tail[: -OUTPUT_TAIL * 4]  # a character is at most four bytes of UTF-8
    return bool(chunk)


def printable(text: str) -> str:
    """Output without terminal escapes (colours) and control characters, which no report
    shows and XML does not allow; a carriage return (a progress bar) becomes a line."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n")).replace("\r", "\n")
    return _CONTROL.sub("\ufffd", text)
