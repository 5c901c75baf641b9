"""What a run prints: a line per scenario as it finishes, then the verdicts table."""

from __future__ import annotations

from collections.abc import Callable

from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.rules import RULES
from integral_mock.conformance.scenarios import Scenario

MARK = {"pass": "pass", "fail": "FAIL", "not-exercised": "-"}


def progress(
    write: Callable[[str], None], total: int
) -> Callable[[int, Scenario, ScenarioRun], None]:
    def show(index: int, scenario: Scenario, run: ScenarioRun) -> None:
        code = "timed out" if run.timed_out else f"exit {run.exit_code}"
        failed = [r.rule.id for r in run.results if r.failed]
        verdict = "FAIL " + ", ".join(failed) if failed else "ok"
        took = f"{run.duration_ms / 1000:5.1f} s"
        write(f"[{index}/{total}] {scenario.name:<22} {code:<9} {took}  {verdict}")

    return show


def summary(report: Report) -> str:
    """The rule × scenario table, then each failure with its hint."""
    names = [s.name for s in report.scenarios]
    width = max([len(r.id) for r in RULES] + [4])
    head = f"{'rule':<{width}}  level   " + "  ".join(f"{i + 1:>4}" for i in range(len(names)))
    lines = [head]
    for rule in RULES:
        cells = [_cell(run, rule.id) for run in report.scenarios]
        lines.append(f"{rule.id:<{width}}  {rule.level:<6}  " + "  ".join(f"{c:>4}" for c in cells))
    lines += [f"  {i + 1:>2} = {name}" for i, name in enumerate(names)]
    for run in report.scenarios:
        for result in (r for r in run.results if r.failed):
            lines += [
                "",
                f"{run.name}: {result.rule.id} ({result.rule.level}) failed:"
                f" {result.judgment.detail}",
            ]
            lines.append(f"  hint: {result.rule.hint}")
    lines += ["", "PASSED: no must rule failed" if report.passed else "FAILED: a must rule failed"]
    return "\n".join(lines)


def _cell(run: ScenarioRun, rule_id: str) -> str:
    found = next(r for r in run.results if r.rule.id == rule_id)
    return MARK[found.judgment.verdict]
