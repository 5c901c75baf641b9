"""`python -m integral_mock serve` as a real process, for the few tests that need gunicorn."""

from __future__ import annotations

import contextlib
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

STARTUP_TIMEOUT_S = 30


@dataclass(frozen=True)
class Served:
    """A running `serve` process: where it answers, the process and its log file."""

    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_process(workdir: Path, *args: str) -> Iterator[Served]:
    """Start `serve --port <free> *args` in `workdir`; SIGTERM it on exit if still running."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = workdir / "serve.log"
    command = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port), *args]
    with (
        log.open("wb") as out,
        subprocess.Popen(command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT) as process,
    ):
        try:
            _wait_until_healthy(base_url, process, log)
            yield Served(base_url, process, log)
        finally:
            if process.poll() is None:
                # A quick stop (gunicorn's SIGINT: workers quit at once, the master still
                # cleans up): SIGTERM's graceful stop waits for each worker's next loop, and
                # for any connection a test left open up to its 5 s; test_cli's own tests
                # send SIGTERM and check what it does.
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    raise


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /__admin/health, bounded: a real process is the one place a test waits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base_url}/__admin/health", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its worker is still booting (the socket is bound first)
        time.sleep(0.05)
    pytest.fail(f"serve was not healthy within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


def serve_banner(workdir: Path, *args: str) -> str:
    """What `serve *args` prints once it listens (bounded wait); the process is then stopped."""
    command = [sys.executable, "-m", "integral_mock", "serve", *args]
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        out = process.stdout
        assert out is not None
        threading.Thread(target=lambda: [lines.put(line) for line in out], daemon=True).start()
        said: list[str] = []
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        try:
            while not any("example login" in line for line in said):
                if time.monotonic() > deadline or (process.poll() is not None and lines.empty()):
                    pytest.fail(f"serve printed no banner (exit {process.poll()}): {said}")
                with contextlib.suppress(queue.Empty):
                    said.append(lines.get(timeout=0.1))
        finally:
            process.send_signal(signal.SIGINT)  # a quick stop, as serve_process's
            process.wait(timeout=20)
    return "".join(said)
