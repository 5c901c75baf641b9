"""A real headless browser (Debian's chromium, driven by Playwright) and a live sandbox for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from integral_mock.testing import LiveSandbox, running_sandbox
from tests.helpers import EXAMPLE_LOGIN

CHROMIUM = Path("/usr/bin/chromium")
# Nothing the browser does may reach past this machine: no updates, no sync, no QUIC probes.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWERED = "Failed to load resource: the server responded with a status of"
TIMEOUT_MS = 10_000  # the longest any expectation waits for the page


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


@contextmanager
def open_tab(browser: Any) -> Iterator[Any]:
    """A tab in a fresh context; fails on any page error or request off this machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # An HTTP error answer the test provokes on purpose shows as "Failed to load resource";
    # anything else the console calls an error (a script error, a refused CSP) fails the test.
    tab.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and not msg.text.startswith(ANSWERED)
            else None
        ),
    )
    tab.on(
        "request",
        lambda req: (
            None
            if req.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
            else problems.append(f"left the machine: {req.url}")
        ),
    )
    try:
        yield tab
    finally:
        context.close()  # before its sandbox stops, so the page's polling never meets a closed port
    assert problems == []


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


def place_pq_order(base_url: str, co_id: str) -> dict[str, Any]:
    """Log in, take a quote and place a PQ order at it, over HTTP as a client would."""
    with requests.Session() as http:
        login = http.post(f"{base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=5)
        assert login.status_code == 200, login.text
        headers = {"SSO_TOKEN": login.headers["SSO_TOKEN"]}
        quote = http.get(
            f"{base_url}/v2/rates/spot", params={"symbol": "EUR/USD"}, headers=headers, timeout=5
        ).json()
        order = {
            "coId": co_id,
            "type": "PQ",
            "timeInForce": "FOK",
            "side": "Buy",
            "symbol": "EUR/USD",
            "currency": "EUR",
            "size": 1000000,
            "price": quote["offer"],
            "rateId": quote["rateId"],
        }
        placed = http.post(f"{base_url}/v2/orders", json=order, headers=headers, timeout=5)
        assert placed.status_code == 202, placed.text
        answer: dict[str, Any] = placed.json()
        return answer
