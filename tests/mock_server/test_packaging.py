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


# Imports what `integral-mock serve` imports in a process that can find only the distributions
# a plain `pip install integral-mock` brings (its requirements, no extras, and theirs): the test
# env also holds what pytest, tox and the extras bring, which once hid that gunicorn's gevent
# worker needs `packaging`, a requirement of gunicorn's gevent extra only.
_BASE_INSTALL_ONLY = """
import sys
from importlib import metadata
from importlib.abc import MetaPathFinder

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def requirements(dist, extra=""):
    # A distribution's requirements, or only those its `extra` adds.
    for line in metadata.requires(dist) or ():
        req = Requirement(line)
        wanted = req.marker is None or req.marker.evaluate({"extra": extra})
        if wanted and (not extra or not req.marker.evaluate({"extra": ""})):
            yield req


base, seen, pending = {"integral-mock"}, set(), [("integral-mock", "")]
while pending:
    if (wanted := pending.pop()) in seen:
        continue
    seen.add(wanted)
    for req in requirements(*wanted):
        base.add(canonicalize_name(req.name))
        pending += [(req.name, ""), *((req.name, extra) for extra in req.extras)]
providers = metadata.packages_distributions()
for name in [m for m in sys.modules if m.partition(".")[0] == "packaging"]:
    del sys.modules[name]  # the probe's own use of it must not make it importable below


class BaseInstallOnly(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        owners = {canonicalize_name(d) for d in providers.get(name.partition(".")[0], ())}
        if owners and not owners & base:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, BaseInstallOnly())
from integral_mock import cli, serving  # noqa: E402
from gunicorn.workers import ggevent  # noqa: E402  (a worker's class, imported as it boots)

serving.create_app()
cli.main(["--version"])
"""


def test_what_serve_imports_comes_with_a_plain_install(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _BASE_INSTALL_ONLY], cwd=tmp_path, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "integral-mock" in out.stdout
