"""The README's shell and Python snippets: which run, against what, and what they must print."""

# The conventions, all visible in README.md itself:
#
# - Every ```sh and ```python block runs, unless an HTML comment right before it says
#   `<!-- not run: REASON -->` (for the opening block, which the README's first lines fix,
#   `<!-- not run (the block above): REASON -->` right after it).
# - The sh blocks of one `## ` section (its `###` subsections included) run as one bash script,
#   `set -euo pipefail`, so a variable set in one block is there in the next; each python block
#   is a process of its own; `<!-- run as a pytest file -->` makes a python block a test module
#   that pytest must pass whole.
# - Each section runs against a fresh `integral-mock serve --ephemeral` on a free port, plus
#   the flags of a `<!-- sandbox: FLAGS -->` comment in it. The README's base URL
#   (http://127.0.0.1:8080, set once per section as `BASE=…` in shell) is rewritten to it.
# - A `# => TEXT` line checks what the commands above it printed since the previous check:
#   TEXT's parts between `…` must appear in that output, in order. Consecutive `# =>` lines
#   are one check, their parts in order.

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
README_BASE = "http://127.0.0.1:8080"
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"^<!-- not run: (?P<reason>.+?) -->$")
NOT_RUN_ABOVE = re.compile(r"^<!-- not run \(the block above\): (?P<reason>.+?) -->$")
SANDBOX = re.compile(r"^<!-- sandbox: (?P<flags>.+?) -->$")
AS_PYTEST = "<!-- run as a pytest file -->"
CHECK = re.compile(r"^(?P<indent>[ \t]*)# => (?P<text>.*)$", re.MULTILINE)
RUNNABLE = ("sh", "python")


@dataclass
class Block:
    """One ```sh or ```python block of the README, where it is and how it is to be run."""

    language: str
    code: str
    line: int  # of its opening fence, 1-based
    section: str
    skip: str | None = None
    as_pytest: bool = False


@dataclass
class Section:
    """A `## ` section: its runnable blocks and the flags its sandbox is started with."""

    title: str
    flags: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def runs(self) -> list[Block]:
        return [block for block in self.blocks if block.skip is None]


def sections(text: str) -> list[Section]:
    """The README's sections, in order, each with its sh and python blocks."""
    found = [Section("(top)")]
    pending_skip: str | None = None
    pending_pytest = False
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            found.append(Section(line[3:].strip()))
        elif match := NOT_RUN.match(line):
            pending_skip = match["reason"]
        elif match := NOT_RUN_ABOVE.match(line):
            found[-1].blocks[-1].skip = match["reason"]
        elif match := SANDBOX.match(line):
            found[-1].flags += match["flags"].split()
        elif line == AS_PYTEST:
            pending_pytest = True
        elif match := FENCE.match(line):
            end = lines.index("```", index + 1)
            if match[1] in RUNNABLE:
                code = "\n".join(lines[index + 1 : end]) + "\n"
                block = Block(match[1], code, index + 1, found[-1].title, pending_skip)
                block.as_pytest = pending_pytest
                found[-1].blocks.append(block)
            pending_skip, pending_pytest = None, False
            index = end
        index += 1
    return [section for section in found if section.blocks]


@dataclass(frozen=True)
class Check:
    """What the output before a `# =>` line must hold: parts, in order."""

    line: str
    parts: tuple[str, ...]
    at: int = 0  # README.md line of the check's first `# =>` line

    def missing_from(self, output: str) -> str | None:
        """The first part not found (after the ones before it), or None when all are there."""
        at = 0
        for part in self.parts:
            found = output.find(part, at)
            if found < 0:
                return part
            at = found + len(part)
        return None


def boundary(number: int) -> str:
    return f"@@readme-check-{number}@@"


def instrument(code: str, language: str, checks: list[Check], first_line: int = 0) -> str:
    """`code` with each run of `# =>` lines replaced by a line that prints a boundary.

    The check is appended to `checks`; its number is its index there. `first_line` is the
    README line of the code's first line, for messages.
    """
    out: list[str] = []
    for number, line in enumerate(code.splitlines(), start=first_line):
        match = CHECK.match(line)
        if match is None:
            out.append(line)
            continue
        parts = tuple(p.strip() for p in match["text"].split("…") if p.strip())
        if out and out[-1].endswith("#check-continues"):
            previous = checks[-1]
            checks[-1] = Check(f"{previous.line}\n{line}", previous.parts + parts, previous.at)
            continue
        checks.append(Check(line.strip(), parts, number))
        mark = boundary(len(checks) - 1)
        if language == "python":
            printed = f'{match["indent"]}print("\\n{mark}", flush=True)  #check-continues'
        else:
            printed = f"{match['indent']}printf '\\n%s\\n' '{mark}'  #check-continues"
        out.append(printed)
    return "\n".join(out) + "\n"


def segments(output: str, count: int) -> list[str | None]:
    """What was printed before each of `count` boundaries (None: that boundary never came)."""
    found: list[str | None] = []
    rest = output
    for number in range(count):
        head, sep, tail = rest.partition(boundary(number))
        if not sep:
            found += [None] * (count - number)
            break
        found.append(head)
        rest = tail
    return found


def with_base(code: str, base_url: str) -> str:
    return code.replace(README_BASE, base_url)
