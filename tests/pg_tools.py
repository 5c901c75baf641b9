"""The PostgreSQL server's tools (initdb, pg_ctl): where they are, and running them as its user."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

SERVER_USER = "postgres"  # the Debian package's user: as root, the cluster runs as it


def server_binaries() -> Path | None:
    """The folder of the newest /usr/lib/postgresql/*/bin with initdb and pg_ctl, else that of
    the initdb on PATH (if pg_ctl sits beside it), else None."""

    def usable(folder: Path) -> bool:
        return all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl"))

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    installed = [f for f in Path("/usr/lib/postgresql").glob("*/bin") if usable(f)]
    if installed:
        return max(installed, key=version)
    on_path = shutil.which("initdb")
    if on_path is not None:
        folder = Path(on_path).resolve().parent
        if usable(folder):
            return folder
    return None


def require_binaries() -> Path:
    """The server binaries' folder; without them (or without psycopg, or without the `postgres`
    user when running as root) skip, but fail under CI: CI must have them."""
    problem = _missing()
    if problem is None:
        binaries = server_binaries()
        assert binaries is not None
        return binaries
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {problem}")
    pytest.skip(f"{problem} (CI would fail here)")


def _missing() -> str | None:
    if server_binaries() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg 3 is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run the server as"
    return None


def hand_over(*paths: Path) -> None:
    """As root, give the folders to the server's user (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam(SERVER_USER)
    for path in paths:
        os.chown(path, user.pw_uid, user.pw_gid)


def run_tool(
    binaries: Path, tool: str, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`tool args` from the binaries' folder (as the server's user under root); with `check`,
    a non-zero exit raises with the tool's output."""
    command: Sequence[str] = [str(binaries / tool), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done
