"""Fixtures: a real headless browser (Debian's chromium, by Playwright) and a live sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integral_mock.testing import LiveSandbox, running_sandbox
from tests.pages.support import CHROMIUM, CHROMIUM_ARGS, open_tab


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium from /usr/bin (never a downloaded build); skipped only off CI when absent."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium); CI runs these tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live: LiveSandbox) -> Iterator[Any]:
    """A tab on `live`'s machine, closed before `live` stops."""
    with open_tab(browser) as tab:
        yield tab


@pytest.fixture
def live() -> Iterator[LiveSandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$INTEGRAL_SCREENSHOT_DIR (CI keeps it as an artifact), else a temporary directory."""
    named = os.environ.get("INTEGRAL_SCREENSHOT_DIR")
    where = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where
