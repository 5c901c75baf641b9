"""The three servers bench/compare.py measures: how each is started, awaited and stopped."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from load import SPOT_PATH, Client, order_body

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SPEC = ROOT / "openapi" / "integral.yaml"
# README "The workflow with curl": the default config's user.
LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}
PRISM = "@stoplight/prism-cli"


@dataclass
class Server:
    """A command that serves HTTP on `port`, ready once `ready_path` answers `ready_status`."""

    name: str
    argv: list[str]
    port: int
    ready_path: str
    ready_status: int = 200
    ready_headers: dict[str, str] = field(default_factory=dict)
    startup_s: float = 60.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Running:
    """A started server: its process (the group leader) and the log of its output."""

    server: Server
    proc: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[int]:
        """Pids of the leader's children: gunicorn's workers (the leader is its master)."""
        return children(self.proc.pid)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpus() -> int:
    # What gunicorn-style "one worker per CPU" defaults see on this machine.
    return os.cpu_count() or 1


def prism(port: int) -> Server | None:
    """Prism mocking the spec (static examples), or None without Node's npx."""
    npx = shutil.which("npx")
    if npx is None:
        return None
    return Server(
        name="Prism",
        argv=[npx, "--yes", PRISM, "mock", "-p", str(port), str(SPEC)],
        port=port,
        ready_path=SPOT_PATH,
        # Prism checks only that one of the spec's security schemes is present: any SSO_TOKEN.
        ready_headers={"SSO_TOKEN": "bench"},
        startup_s=300.0,  # the first `npx --yes` downloads the package
    )


def bare_flask(port: int) -> Server:
    """bench/bare_flask.py under gunicorn, with serve's worker class, one worker per CPU."""
    argv = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", str(cpus())]
    argv += ["--worker-connections", "1000", "-b", f"127.0.0.1:{port}"]
    argv += ["--chdir", str(BENCH), "bare_flask:app"]
    return Server(name="bare Flask", argv=argv, port=port, ready_path=SPOT_PATH)


def serve(port: int, *flags: str) -> Server:
    """`integral-mock serve` with its defaults (workers included), on a throwaway state."""
    argv = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port), "--ephemeral"]
    name = " ".join(["integral-mock serve", *flags])
    return Server(name=name, argv=[*argv, *flags], port=port, ready_path="/__admin/health")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # The field after the parenthesised command name: state, then ppid.
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _answers(server: Server) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    try:
        conn.request("GET", server.ready_path, headers=server.ready_headers)
        return conn.getresponse().status == server.ready_status
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """TERM to the group this script started (npx -> sh -> node; gunicorn and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    # The leader may be gone while its children still drain: wait until none is left.
    for _ in range(50):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


@contextlib.contextmanager
def running(server: Server, log_dir: Path) -> Iterator[Running]:
    """The server started in its own process group, up and answering, stopped on exit."""
    log = log_dir / f"{server.name.replace(' ', '_').replace('-', '')}-{server.port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            server.argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + server.startup_s
        while not _answers(server):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{server.name} did not come up (log {log}):\n{tail}")
            time.sleep(0.2)
        yield Running(server, proc, log)
    finally:
        stop(proc)


def login(base: str) -> str:
    """A token for the default user, from the SSO_TOKEN header of the login answer."""
    status, headers, body = Client(base).call("POST", "/v2/sso/login", LOGIN)
    token = headers.get("SSO_TOKEN")
    if status != 200 or not token:
        raise RuntimeError(f"login failed: {status} {body}")
    return token


def serve_rss(checkpoints: list[int], log_dir: Path) -> str:
    """Resident memory of serve's workers fresh, then as PQ orders reach each checkpoint.

    Placed one after another on one connection (a rate, then the order): some 50 orders a
    second on the busy 2-core machine, so 100,000 (issue 11's target) takes half an hour.
    """
    with running(serve(free_port()), log_dir) as run:
        base = run.server.base
        client = Client(base, login(base))
        # The largest worker: with several, each holds what its own requests touched.
        sizes = [f"{max(rss_mb(pid) for pid in run.workers()):.0f} MB fresh"]
        first = 0.0
        tag = f"{time.time_ns():x}"
        placed = 0
        for target in sorted(checkpoints):
            for n in range(placed, target):
                _, _, rate = client.call("GET", SPOT_PATH)
                body = order_body(f"{tag}-{n}", rate)
                status, _, answer = client.call("POST", "/v2/orders", body)
                if status != 202:
                    return f"serve RSS: order {n} answered {status} {answer}"
            placed = target
            mb = max(rss_mb(pid) for pid in run.workers())
            growth = f" ({mb / first:.2f}× the first)" if first else ""
            first = first or mb
            sizes.append(f"{mb:.0f} MB at {target:,} orders{growth}")
        workers = len(run.workers())
    return f"serve worker RSS (the largest of {workers}): " + ", ".join(sizes)
