"""`python -m mock_server serve` as a real process: gunicorn, the SSO_TOKEN header, SIGTERM."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import EXAMPLE_LOGIN

STARTUP_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /__admin/health of a real process, bounded: it is the one place a test waits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base_url}/__admin/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    pytest.fail(f"serve was not healthy within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


def test_serve_answers_the_workflow_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--ephemeral"]
    with (
        log.open("wb") as out,
        subprocess.Popen(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT) as process,
    ):
        try:
            _wait_until_healthy(base_url, process, log)
            login = requests.post(f"{base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=5)
            assert login.status_code == 200
            token = login.headers["SSO_TOKEN"]
            # No cookie jar here: only the underscore header carries the token through gunicorn.
            rate = requests.get(
                f"{base_url}/v2/rates/spot",
                params={"symbol": "EUR/USD"},
                headers={"SSO_TOKEN": token},
                timeout=5,
            )
            assert rate.status_code == 200, rate.text
            assert rate.json()["symbol"] == "EUR/USD"
            assert rate.json()["rateId"]
        finally:
            process.terminate()  # SIGTERM
            try:
                returncode = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    output = log.read_text()
    assert returncode == 0, output
    assert base_url in output
    assert "Shutting down" in output
    assert not list(tmp_path.glob("*.sqlite3*"))  # --ephemeral writes no state file
