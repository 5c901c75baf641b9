"""README.md works when pasted: each section's snippets, run in order against a real sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.readme import snippets
from tests.readme.snippets import Block, Check, Section
from tests.serve_process import serve_process

SECTIONS = snippets.sections(snippets.README.read_text("utf-8"))
RUN = [section for section in SECTIONS if section.runs()]
# Blocks a test cannot run (installs, servers of their own, long runs other tests make) say so
# in the README; there should be few of them.
MAX_SKIPPED = 8
SCRIPT_TIMEOUT_S = 120


def test_every_block_not_run_says_why_and_they_are_few() -> None:
    skipped = [block for section in SECTIONS for block in section.blocks if block.skip]
    assert all(len(block.skip or "") >= 10 for block in skipped), skipped
    assert 0 < len(skipped) <= MAX_SKIPPED, [(b.line, b.skip) for b in skipped]
    # The opening block (install and serve) is not run: the test starts the sandbox itself.
    assert SECTIONS[0].blocks[0].line == 3
    assert SECTIONS[0].blocks[0].skip


def test_every_section_that_runs_checks_what_it_prints() -> None:
    assert len(RUN) >= 4, [section.title for section in RUN]
    for section in RUN:
        checks = [block for block in section.runs() if snippets.CHECK.search(block.code)]
        pytest_files = [block for block in section.runs() if block.as_pytest]
        assert checks or pytest_files, f"{section.title}: no `# =>` check"


def test_a_check_fails_on_output_that_lacks_a_part() -> None:
    """The matcher itself: parts in order, `…` free."""
    check = Check("# => ", ('"status":"FILLED"', '"orderId":"'))
    assert check.missing_from('{"orderId":"4","status":"FILLED"}') == '"orderId":"'
    assert check.missing_from('{"orderId":"4","status":"FILLED","orderId":"5"}') is None
    assert check.missing_from('{"status":"NEW"}') == '"status":"FILLED"'


@pytest.mark.parametrize("section", RUN, ids=[section.title for section in RUN])
def test_section_runs_as_pasted(section: Section, tmp_path: Path) -> None:
    with serve_process(tmp_path, "--ephemeral", *section.flags) as served:
        shell = [block for block in section.runs() if block.language == "sh"]
        if shell:
            _run_shell(shell, served.base_url, tmp_path)
        for block in section.runs():
            if block.language == "python":
                _run_python(block, served.base_url, tmp_path)


def _environment() -> dict[str, str]:
    """This venv's commands first (`integral-mock`, `st`, `python`), nothing of ours set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRAL_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run_shell(blocks: list[Block], base_url: str, workdir: Path) -> None:
    checks: list[Check] = []
    body = "".join(snippets.instrument(b.code, "sh", checks, b.line + 1) for b in blocks)
    script = "set -euo pipefail\n" + snippets.with_base(body, base_url)
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
    )
    _judge(blocks[0], done, checks)


def _run_python(block: Block, base_url: str, workdir: Path) -> None:
    checks: list[Check] = []
    instrumented = snippets.instrument(block.code, "python", checks, block.line + 1)
    code = snippets.with_base(instrumented, base_url)
    if block.as_pytest:
        module = workdir / f"test_readme_line_{block.line}.py"
        module.write_text(code, "utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module.name]
    else:
        command = [sys.executable, "-c", code]
    done = subprocess.run(
        command,
        cwd=workdir,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
    )
    _judge(block, done, checks)
    if block.as_pytest:
        tests = block.code.count("\ndef test_")
        assert f"{tests} passed" in done.stdout, done.stdout[-3000:]


def _judge(first: Block, done: subprocess.CompletedProcess[str], checks: list[Check]) -> None:
    where = f"README.md line {first.line} ({first.section})"
    said = f"\n--- stdout ---\n{done.stdout[-6000:]}\n--- stderr ---\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{where}: exit status {done.returncode}{said}"
    for check, output in zip(checks, snippets.segments(done.stdout, len(checks)), strict=True):
        at = f"README.md line {check.at} ({first.section})"
        assert output is not None, f"{at}: never reached {check.line!r}{said}"
        missing = check.missing_from(output)
        assert missing is None, f"{at}: {check.line!r} wants {missing!r} in:\n{output[-3000:]}"
