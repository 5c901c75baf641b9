"""Reports of a run: the terminal table, junit.xml, report.json and report.html."""

from __future__ import annotations

from pathlib import Path

from integral_mock.conformance.report import Report
from integral_mock.conformance.reports import html, json_report, junit


def write_all(report: Report, directory: str | Path) -> list[Path]:
    """junit.xml, report.json and report.html in `directory` (made if missing)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in (
        ("junit.xml", junit.render),
        ("report.json", json_report.render),
        ("report.html", html.render),
    ):
        path = folder / name
        path.write_text(render(report), encoding="utf-8")
        written.append(path)
    return written
