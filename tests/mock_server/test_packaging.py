"""What installing integral-mock puts on a user's path: one import root, no generic names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Builds and inspects the installed distribution, no store: tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

# Run outside the checkout, so that only what the installed distribution provides is found.
_PROBE = """
import importlib.util, json
from importlib import metadata

dist = metadata.distribution("integral-mock")
names = ("client", "mock_server", "contracts", "openapi", "integral_mock", "integral_mock.client",
         "integral_mock.contracts", "integral_mock.openapi")
print(json.dumps({
    "top_level": dist.read_text("top_level.txt").split(),
    "found": {n: importlib.util.find_spec(n) is not None for n in names},
    "script": [e.value for e in dist.entry_points if e.name == "integral-mock"],
}))
"""


def _installed(tmp_path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(out.stdout)
    return found


def test_the_distribution_claims_one_import_root_and_no_generic_names(tmp_path: Path) -> None:
    installed = _installed(tmp_path)
    assert installed["top_level"] == ["integral_mock"]
    assert installed["found"] == {
        "client": False,
        "mock_server": False,
        "contracts": False,
        "openapi": False,
        "integral_mock": True,
        "integral_mock.client": True,
        "integral_mock.contracts": True,
        "integral_mock.openapi": True,
    }
    assert installed["script"] == ["integral_mock.__main__:console"]
