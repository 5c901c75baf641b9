"""Browser-test helpers: Debian's chromium and its flags, a checked tab, a PQ order over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

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
