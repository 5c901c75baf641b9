"""report.json: the run as JSON, in the shape report.schema.json describes."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from integral_mock.conformance.report import Report

SCHEMA = "report.schema.json"


def render(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of report.json, shipped in the package."""
    text = resources.files("integral_mock.conformance").joinpath(SCHEMA).read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found
