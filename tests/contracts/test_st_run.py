"""The README's `st run` recipe on a fresh `serve`: each link walked, no unexplained warning."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.serve_process import Served, serve_process

ROOT = Path(__file__).resolve().parents[2]
RECIPE = re.compile(r"^(st run openapi/integral\.yaml --url http://127\.0\.0\.1:8080)\s", re.M)
# The warnings README.md ("Contract testing") explains, both of cancelling single orders: by the
# time Schemathesis does, every order it knows of is final (a 400), and the ids it makes up are
# no order of the org's (a 404). Which of the two a run raises depends on what it generated,
# and so on every schema in the spec: the test fails only on a warning not explained.
EXPLAINED_WARNINGS = {
    "validation_mismatch": {"DELETE /v2/orders/{id}"},
    "missing_test_data": {"DELETE /v2/orders/{id}"},
}


def readme_recipe(base_url: str) -> list[str]:
    """The README's own recipe, pointed at `base_url`."""
    found = RECIPE.search((ROOT / "README.md").read_text("utf-8"))
    assert found is not None, "README.md has no `st run openapi/integral.yaml --url …` recipe"
    return shlex.split(found[1].replace("http://127.0.0.1:8080", base_url))


def spec_links() -> dict[str, tuple[str, str]]:
    """Every link of the spec, named as Schemathesis names a transition: (source, target)."""
    spec = yaml.safe_load((ROOT / "openapi" / "integral.yaml").read_text("utf-8"))
    labels = {
        op["operationId"]: f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    return {
        f"{labels[source]} -> [{status}] {name} -> {labels[link['operationId']]}": (
            source,
            link["operationId"],
        )
        for source, op in ((op["operationId"], op) for op in _operations(spec))
        for status, response in op["responses"].items()
        for name, link in (response.get("links") or {}).items()
    }


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]


LINKS = spec_links()


def walked_links(ndjson: Path) -> set[str]:
    """Links the stateful phase applied, counted as `st` counts them for "API Links: … covered"."""
    walked: set[str] = set()
    for line in ndjson.read_text("utf-8").splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event or event["phase"] != "stateful" or event["is_final"]:
            continue
        if event["status"] in ("skip", "interrupted", None):
            continue
        for case in (event["recorder"].get("cases") or {}).values():
            if case.get("transition") and case.get("is_transition_applied"):
                walked.add(case["transition"]["id"])
    return walked


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # A manual clock: no answer depends on when it was asked (an order's status, a quote's age).
    workdir = tmp_path_factory.mktemp("st-run")
    with serve_process(workdir, "--ephemeral", "--clock", "manual", "--no-access-log") as served:
        yield served


def _st_run(served: Served, reports: Path, *more: str) -> subprocess.CompletedProcess[str]:
    """The README's recipe against `served`, with `more` options; its reports in `reports`."""
    command = [sys.executable, "-m", "schemathesis.cli", *readme_recipe(served.base_url)[1:]]
    command += [*more, "--no-color", "--report", "junit,ndjson,json", "--report-dir", str(reports)]
    # schemathesis.toml names a JUnit path in the checkout; this run's report stays here.
    command += ["--report-junit-path", str(reports / "junit.xml")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRAL_")}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_recipe_passes_with_only_the_explained_warning(served: Served, tmp_path: Path) -> None:
    # Fewer examples than the recipe's 100: the same phases, checks and warnings, in seconds.
    run = _st_run(served, tmp_path, "--max-examples", "10")
    said = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, said
    report = json.loads(next(tmp_path.glob("*.json")).read_text("utf-8"))
    unexplained = {
        kind: sorted(set(ops) - EXPLAINED_WARNINGS.get(kind, set()))
        for kind, ops in report["warnings"].items()
    }
    assert not any(unexplained.values()), said
    assert "Failed to extract data" not in run.stdout, said


def test_the_spec_has_every_link_the_readme_counts() -> None:
    assert len(LINKS) == 16, sorted(LINKS)


# One stateful run per link, with only its two operations: Schemathesis picks the links of a
# whole run at random, so a run over all sixteen may miss the thinnest one; alone, a link is
# walked in every scenario that gets past its first step.
@pytest.mark.parametrize("link", sorted(LINKS))
def test_the_recipe_walks_each_link(served: Served, tmp_path: Path, link: str) -> None:
    ends = sorted(set(LINKS[link]))
    only = [arg for operation in ends for arg in ("--include-operation-id", operation)]
    run = _st_run(served, tmp_path, "--phases", "stateful", "--max-examples", "10", *only)
    said = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, said
    assert link in walked_links(next(tmp_path.glob("*.ndjson"))), said
    assert "Failed to extract data" not in run.stdout, said
