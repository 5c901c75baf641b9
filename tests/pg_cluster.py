"""A throwaway PostgreSQL server for tests: initdb into a temp dir, start, yield, stop, remove."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.pg_tools import hand_over, require_binaries, run_tool, server_binaries
from tests.serve_process import free_port

STARTUP_TIMEOUT_S = 60
PORT_ATTEMPTS = 3  # a free port can be taken by someone else between probe and bind
LOG_TAIL_LINES = 40
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "64MB",
}


@dataclass(frozen=True)
class Cluster:
    """A running server: its folder (data, socket, log), its TCP port and its socket folder."""

    directory: Path
    port: int
    socket_dir: Path

    def url(self, database: str = "postgres") -> str:
        """The URL of `database` over TCP on the loopback, as the superuser `postgres`."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres") -> str:
        """The URL of `database` over the server's Unix socket."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        """CREATE DATABASE `name`; its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def restart(self) -> None:
        """Stop the server (-m fast: open connections are cut, committed data kept) and start
        it again on the same port and settings; return once a client connects.

        Not -m immediate: under synchronous_commit=off that loses the last commits."""
        binaries = server_binaries()
        assert binaries is not None
        # -l: the restarted server must not write to (and hold open) pg_ctl's captured output.
        restarted = run_tool(binaries, "pg_ctl", "restart", "-D", str(self.data), "-m", "fast",
                             "-w", "-t", str(STARTUP_TIMEOUT_S), "-l", str(self.log),
                             check=False)  # fmt: skip
        if restarted.returncode != 0 or not _accepts_connections(self):
            raise RuntimeError(
                f"PostgreSQL did not restart (pg_ctl exit {restarted.returncode}):\n"
                f"{restarted.stdout}{restarted.stderr}\n--- {self.log} (tail) ---\n"
                f"{_tail(self.log)}"
            )

    @contextmanager
    def stopped(self) -> Iterator[None]:
        """The server stopped (-m fast) for the block, then started again on the same port
        and settings; the block's end returns once a client connects."""
        binaries = server_binaries()
        assert binaries is not None
        run_tool(binaries, "pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
        try:
            yield
        finally:
            started = run_tool(binaries, "pg_ctl", "start", "-w", "-t", str(STARTUP_TIMEOUT_S),
                               "-D", str(self.data), "-l", str(self.log), "-o", _options(self),
                               check=False)  # fmt: skip
            if started.returncode != 0 or not _accepts_connections(self):
                raise RuntimeError(f"PostgreSQL did not start again:\n{_tail(self.log)}")

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    @property
    def data(self) -> Path:
        return self.directory / "data"


@contextmanager
def throwaway_database(name: str) -> Iterator[str]:
    """The URL of a fresh database `name` on a cluster of its own (skipped without the
    server's binaries off CI), for a test module's fixture."""
    with running_cluster() as cluster:
        yield cluster.create_database(name)


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """A fresh cluster (skipped without the server's binaries off CI), for a test module's
    fixture."""
    require_binaries()
    with postgres_cluster() as cluster:
        yield cluster


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A fresh cluster on a free loopback port; stopped (-m immediate) and removed on exit,
    also when the body raises."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) found")
    # A short path of its own under the system temp dir: a Unix socket's path is at most 107
    # bytes, and as root the folder is handed to the `postgres` user, who must reach it.
    directory = Path(tempfile.mkdtemp(prefix="pg-"))
    try:
        socket_dir = directory / "socket"
        socket_dir.mkdir()
        hand_over(directory, socket_dir)
        run_tool(binaries, "initdb", "-D", str(directory / "data"), "-A", "trust",
                 "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        cluster = _start(binaries, directory, socket_dir)
        try:
            yield cluster
        finally:
            _stop(binaries, cluster)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _start(binaries: Path, directory: Path, socket_dir: Path) -> Cluster:
    """Start on a free port, retrying on another if that one was taken meanwhile; return once
    a client connects."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        cluster = Cluster(directory, free_port(), socket_dir)
        options = _options(cluster)
        started = run_tool(binaries, "pg_ctl", "start", "-w", "-t", str(STARTUP_TIMEOUT_S),
                           "-D", str(cluster.data), "-l", str(cluster.log), "-o", options,
                           check=False)  # fmt: skip
        if started.returncode == 0 and _accepts_connections(cluster):
            return cluster
        _stop(binaries, cluster)
        log = _tail(cluster.log)
        if attempt == PORT_ATTEMPTS or "could not bind" not in log:
            raise RuntimeError(
                f"PostgreSQL did not start (pg_ctl exit {started.returncode}):\n"
                f"{started.stdout}{started.stderr}\n--- {cluster.log} (tail) ---\n{log}"
            )
    raise AssertionError("unreachable")


def _options(cluster: Cluster) -> str:
    """The server's settings as pg_ctl's -o: its port and socket folder among them."""
    port = {"port": str(cluster.port), "unix_socket_directories": str(cluster.socket_dir)}
    return " ".join(f"-c {name}={value}" for name, value in {**SETTINGS, **port}.items())


def _accepts_connections(cluster: Cluster) -> bool:
    """Whether `SELECT 1` answers over TCP within the start-up timeout (pg_ctl -w has waited
    for the server to be ready already; this is what the tests will do)."""
    import psycopg

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with psycopg.connect(cluster.url(), connect_timeout=5) as connection:
                connection.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            if time.monotonic() > deadline or not (cluster.data / "postmaster.pid").exists():
                return False
            time.sleep(0.05)


def _stop(binaries: Path, cluster: Cluster) -> None:
    """pg_ctl stop -m immediate; if the postmaster outlives that, SIGKILL it."""
    pid = _postmaster_pid(cluster.data)
    run_tool(binaries, "pg_ctl", "stop", "-D", str(cluster.data), "-m", "immediate", "-w",
             "-t", "30", check=False)  # fmt: skip
    if pid is not None and _alive(pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _postmaster_pid(data: Path) -> int | None:
    with suppress(OSError, ValueError, IndexError):
        return int((data / "postmaster.pid").read_text().split()[0])
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:])
    except OSError as error:
        return f"(no log: {error})"
