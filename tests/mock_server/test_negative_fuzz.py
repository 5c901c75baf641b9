"""Schemathesis negative mode as an outsider runs it (none of our hooks): no 5xx, JSON errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers import EXAMPLE_LOGIN
from tests.serve_process import serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "integral.yaml"


def test_invalid_requests_never_get_a_server_error_or_a_body_that_is_not_json(
    tmp_path: Path,
) -> None:
    with serve_process(tmp_path, "--ephemeral") as served:
        login = requests.post(f"{served.base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=10)
        command = [
            str(Path(sys.executable).parent / "st"),
            "run",
            str(SPEC),
            "--url",
            served.base_url,
            "--mode",
            "negative",
            "--checks",
            "not_a_server_error,content_type_conformance",
            "--max-examples",
            "5",
            "--seed",
            "1",
            "--header",
            f"SSO_TOKEN: {login.headers['SSO_TOKEN']}",
        ]
        # From an empty folder, so the repository's schemathesis.toml (our hooks) is not read.
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:]
    counted = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert counted, run.stdout[-4000:]
    assert int(counted[1]) > 50
    assert counted[1] == counted[2]  # every generated case passed both checks
