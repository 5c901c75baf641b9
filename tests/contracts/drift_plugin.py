"""pytest plugin: `-p tests.contracts.drift_plugin --drift NAME` puts a drift before the sandbox."""

from __future__ import annotations

import pytest

from integral_mock.contracts.target import WRAP_APP
from tests.contracts.drifts import DRIFTS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--drift", choices=sorted(DRIFTS), help="the drift to put before the sandbox")


def pytest_configure(config: pytest.Config) -> None:
    name = config.getoption("--drift")
    if name:
        config.stash[WRAP_APP] = DRIFTS[name].wrap
