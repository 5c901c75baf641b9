"""`python -m integral_mock serve` as a real process, for the few tests that need gunicorn."""

from __future__ import annotations

import socket
import subprocess
import sys
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
                process.terminate()
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
            pass  # not listening yet, or too busy booting to answer within the second
        time.sleep(0.05)
    pytest.fail(f"serve was not healthy within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")
