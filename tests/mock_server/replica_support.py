"""Helpers of the replica tests: `serve --database postgresql://…` replicas (one, or a pair
for the module) and the gunicorn workers of each."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import pytest
import requests

from tests.pg_cluster import Cluster
from tests.serve_process import Served, _wait_until_healthy, free_port

FLAGS = ("--workers", "2", "--clock", "manual", "--no-access-log")


@pytest.fixture(scope="module", name="database")
def replicas_database(cluster: Cluster) -> str:
    """The URL of a fresh database on a cluster of the module's own."""
    return cluster.create_database("replicas")


@contextmanager
def replica(workdir: Path, database: str) -> Iterator[Served]:
    """`serve --database URL` in a session of its own, so that its master and workers are
    one process group (to kill at once); the whole group is stopped on exit."""
    workdir.mkdir()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = workdir / "serve.log"
    command = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port)]
    command += ["--database", database, *FLAGS]
    with (
        log.open("wb") as out,
        subprocess.Popen(
            command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        ) as process,
    ):
        try:
            _wait_until_healthy(base_url, process, log)
            yield Served(base_url, process, log)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            finally:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # workers a killed master left


@pytest.fixture(scope="module", name="pair")
def replica_pair(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, Served]]:
    """Two replicas on the module's database, serving for the whole module."""
    workdir = tmp_path_factory.mktemp("replicas")
    with ExitStack() as stack:
        yield (
            stack.enter_context(replica(workdir / "a", database)),
            stack.enter_context(replica(workdir / "b", database)),
        )


@pytest.fixture(name="bases")
def reset_bases(pair: tuple[Served, Served]) -> tuple[str, str]:
    """The pair's base URLs, the venue reset (through the first) before the test."""
    a, b = (served.base_url for served in pair)
    requests.post(f"{a}/__admin/reset", json={}, timeout=10).raise_for_status()
    return a, b


def worker_pids(served: Served) -> set[int]:
    """The process ids of a replica's two gunicorn workers: its master's children."""
    children = children_of(served)
    assert len(children) == 2, (served.base_url, children)
    return children


def children_of(served: Served) -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # pid (comm) state ppid …: comm may hold spaces, so split after its ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == served.process.pid:
                children.add(int(stat.parent.name))
    return children
