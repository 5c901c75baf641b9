"""`python -m integral_mock serve` as a real process: gunicorn, the SSO_TOKEN header, SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.helpers import EXAMPLE_LOGIN
from tests.serve_process import serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


def test_serve_answers_the_workflow_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--ephemeral") as served:
        base_url = served.base_url
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
        served.process.terminate()  # SIGTERM
        returncode = served.process.wait(timeout=20)
    output = served.log.read_text()
    assert returncode == 0, output
    assert base_url in output
    assert "Shutting down" in output
    assert not list(tmp_path.glob("*.sqlite3*"))  # --ephemeral writes no state file


def test_the_access_log_says_each_request_unless_turned_off(tmp_path: Path) -> None:
    logs = []
    for flags in ((), ("--no-access-log",)):
        workdir = tmp_path / ("quiet" if flags else "default")
        workdir.mkdir()
        with serve_process(workdir, "--ephemeral", *flags) as served:
            requests.get(f"{served.base_url}/v2/rates/spot?symbol=EUR%2FUSD", timeout=5)
        logs.append(served.log.read_text())
    assert '"GET /v2/rates/spot?symbol=EUR%2FUSD HTTP/1.1" 401' in logs[0]
    assert "/v2/rates/spot" not in logs[1]
    assert "integral-mock listening" in logs[1]  # the banner still says where it listens
