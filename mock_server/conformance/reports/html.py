"""report.html: one self-contained page; per scenario its verdicts and a request timeline."""

from __future__ import annotations

from html import escape
from typing import Any

from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.verdicts import RuleResult

# Inline on purpose: the page is a CI artifact, opened offline, with nothing to fetch.
STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1 .ok{color:#1a7f37} h1 .bad{color:#cf222e}
table{border-collapse:collapse;margin:.5em 0 1.5em} td,th{padding:2px 8px;text-align:left}
tr:nth-child(even){background:#f6f8fa} .fail{color:#cf222e;font-weight:600}
.pass{color:#1a7f37} .not-exercised{color:#888} tr.flagged{background:#ffebe9!important}
code{font-size:12px} details{margin:.3em 0} section{border-top:1px solid #ddd;padding-top:.5em}
pre{background:#f6f8fa;padding:.5em;overflow:auto;max-height:20em}
"""


def render(report: Report) -> str:
    verdict = (
        '<span class="ok">passed</span>' if report.passed else '<span class="bad">failed</span>'
    )
    title = f"integral-mock {report.mode}: {escape(report.client or report.org)}"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{title} — {verdict}</h1>",
        f"<p>Sandbox {escape(report.base_url)}, org <code>{escape(report.org)}</code>, "
        f"{len(report.scenarios)} scenario(s), {report.duration_ms / 1000:.1f} s. "
        "A run fails when a <b>must</b> rule fails; <b>should</b> rules advise.</p>",
        _overview(report),
    ]
    parts += [_scenario(run) for run in report.scenarios]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _overview(report: Report) -> str:
    rows = [
        f"<tr><td><a href='#{escape(s.name)}'>{escape(s.name)}</a></td><td>{_exit(s)}</td>"
        f"<td>{s.duration_ms / 1000:.1f} s</td><td>{_failed_list(s)}</td></tr>"
        for s in report.scenarios
    ]
    head = "<tr><th>scenario</th><th>client</th><th>time</th><th>failed rules</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _exit(run: ScenarioRun) -> str:
    if run.timed_out:
        return "timed out"
    return "—" if run.exit_code is None else f"exit {run.exit_code}"


def _failed_list(run: ScenarioRun) -> str:
    failed = [f"<span class='fail'>{escape(r.rule.id)}</span>" for r in run.results if r.failed]
    return ", ".join(failed) or "<span class='pass'>none</span>"


def _scenario(run: ScenarioRun) -> str:
    rules = "".join(_rule_row(r, r.rule.id in run.exercises) for r in run.results)
    head = "<tr><th>rule</th><th>level</th><th>verdict</th><th>why</th></tr>"
    output = f"<details><summary>client output</summary><pre>{escape(run.output)}</pre></details>"
    return (
        f"<section id='{escape(run.name)}'><h2>{escape(run.name)} ({_exit(run)})</h2>"
        f"<p>{escape(run.description)}</p><table>{head}{rules}</table>"
        f"<h3>Timeline</h3>{_timeline(run)}{output if run.output else ''}</section>"
    )


def _rule_row(result: RuleResult, aimed: bool) -> str:
    j = result.judgment
    why = escape(j.detail)
    if result.failed:
        evidence = "<br>".join(
            escape(f"{e.at} {e.method} {e.path} → {e.status} [{e.request_id}] {e.note}")
            for e in j.evidence
        )
        why += f"<details><summary>hint and evidence</summary><p>{escape(result.rule.hint)}</p>"
        why += f"<code>{evidence}</code></details>"
    name = f"<b>{escape(result.rule.id)}</b>" if aimed else escape(result.rule.id)
    return (
        f"<tr><td>{name}</td><td>{result.rule.level}</td>"
        f"<td class='{j.verdict}'>{j.verdict}</td><td>{why}</td></tr>"
    )


def _timeline(run: ScenarioRun) -> str:
    if not run.entries:
        return "<p>The client sent nothing.</p>"
    flagged = run.flagged_ids()
    start = run.entries[0]["time"]
    head = "<tr><th>+ms</th><th>request</th><th>status</th><th>fault</th><th>request id</th></tr>"
    rows = [_step(e, start, e.get("requestId") in flagged) for e in run.entries]
    return f"<table>{head}{''.join(rows)}</table>"


def _step(entry: dict[str, Any], start: int, flagged: bool) -> str:
    target = entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    status = "no answer" if entry["status"] is None else str(entry["status"])
    if entry["status"] is not None and not entry["delivered"]:
        status += " (not delivered)"
    mark = " class='flagged'" if flagged else ""
    return (
        f"<tr{mark}><td>{entry['time'] - start}</td>"
        f"<td><code>{escape(entry['method'])} {escape(target)}</code></td><td>{status}</td>"
        f"<td>{escape(entry.get('fault') or '')}</td>"
        f"<td><code>{escape(str(entry.get('requestId')))}</code></td></tr>"
    )
