"""junit.xml: one test case per scenario and rule, so CI servers show verdicts natively."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from integral_mock.conformance.report import Report, ScenarioRun
from integral_mock.conformance.verdicts import RuleResult

# What XML 1.0 cannot carry, even escaped; ElementTree writes it as it is, and CI servers
# then refuse the whole file. A detail may quote what a client sent.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name=f"integral-mock {report.mode}")
    for run in report.scenarios:
        suites.append(_suite(run))
    ET.indent(suites)
    text = _NOT_XML.sub("\ufffd", ET.tostring(suites, "unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _suite(run: ScenarioRun) -> ET.Element:
    results = run.results
    suite = ET.Element(
        "testsuite",
        name=run.name,
        tests=str(len(results)),
        failures=str(sum(r.gating for r in results)),
        skipped=str(sum(not r.gating and r.judgment.verdict != "pass" for r in results)),
        time=f"{run.duration_ms / 1000:.3f}",
    )
    for result in results:
        suite.append(_case(run, result))
    if run.output:
        ET.SubElement(suite, "system-out").text = run.output
    return suite


def _case(run: ScenarioRun, result: RuleResult) -> ET.Element:
    rule, judgment = result.rule, result.judgment
    case = ET.Element("testcase", classname=f"conformance.{run.name}", name=rule.id)
    if result.gating:
        failure = ET.SubElement(case, "failure", message=judgment.detail, type=rule.level)
        failure.text = _evidence(result)
    elif judgment.verdict == "fail":
        # A `should` rule advises; it does not fail the run, so it does not fail the case.
        ET.SubElement(case, "skipped", message=f"should (advisory), failed: {judgment.detail}")
        ET.SubElement(case, "system-out").text = _evidence(result)
    elif judgment.verdict == "not-exercised":
        ET.SubElement(case, "skipped", message=f"not exercised: {judgment.detail}")
    return case


def _evidence(result: RuleResult) -> str:
    lines = [result.judgment.detail, "", f"Hint: {result.rule.hint}", "", "Evidence:"]
    for e in result.judgment.evidence:
        lines.append(f"  {e.at} {e.method} {e.path} -> {e.status} [{e.request_id}] {e.note}")
    return "\n".join(lines)
