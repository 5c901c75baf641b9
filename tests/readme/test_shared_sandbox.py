"""README "Running a shared sandbox": its replica command and compose file, run as written."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from tests.live_sandbox import login, spot
from tests.pg_cluster import throwaway_database
from tests.readme.snippets import README
from tests.serve_process import serve_process

SECTION = "Running a shared sandbox"


def _block(language: str) -> str:
    """The section's one block of that language."""
    text = README.read_text()
    section = text[text.index(f"## {SECTION}\n") :]
    section = section[: section.index("\n## ")]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start : section.index("```", start)]


def _serve_arguments(command: str) -> list[str]:
    """The flags after `integral-mock serve` in a README command line."""
    words = shlex.split(command.replace("\\\n", " "))
    return words[words.index("serve") + 1 :]


def _for_this_machine(arguments: list[str], database: str) -> list[str]:
    """The README's flags, but a test's database, loopback and a free port (serve_process)."""
    replaced = {"--database": database, "--host": "127.0.0.1", "--admin-token": "readme-token"}
    out: list[str] = []
    pairs = iter(arguments)
    for flag in pairs:
        value = next(pairs)
        if flag != "--port":
            out += [flag, replaced.get(flag, value)]
    return out


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with throwaway_database("readme") as url:
        yield url


def test_the_readme_replica_command_gives_two_replicas_one_venue(
    database: str, tmp_path: Path
) -> None:
    shell = _block("sh")
    command = shell[shell.index("integral-mock serve") : shell.index("\ncurl")]
    flags = _for_this_machine(_serve_arguments(command), database)
    with serve_process(tmp_path, *flags) as a, serve_process(tmp_path, *flags) as b:
        auth = login(a.base_url)  # logged in through one replica, trading through the other
        assert spot(b.base_url, auth)["symbol"] == "EUR/USD"
        for replica in (a, b):
            health = requests.get(f"{replica.base_url}/__admin/health", timeout=10)
            assert health.status_code == 200
            assert health.json()["status"] == "OK"


def test_the_compose_files_replicas_run_the_same_command(database: str, tmp_path: Path) -> None:
    compose = _block("yaml")
    services = yaml.safe_load(compose)["services"]
    assert services["sandbox"]["deploy"]["replicas"] == 2
    command = services["sandbox"]["command"]
    inner = shlex.split(command)[2]  # sh -c "pip install … && integral-mock serve …"
    flags = _for_this_machine(_serve_arguments(inner.split("&&", 1)[1]), database)
    with serve_process(tmp_path, *flags) as replica:
        assert requests.get(f"{replica.base_url}/__admin/health", timeout=10).status_code == 200
    nginx = yaml.safe_load(compose)["configs"]["nginx"]["content"]
    assert "underscores_in_headers on;" in nginx  # else nginx drops SSO_TOKEN
    assert "proxy_next_upstream error timeout http_503;" in nginx
