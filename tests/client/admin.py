"""The sandbox's /__admin API as a tiny test helper."""

from __future__ import annotations

import time
from typing import Any

import requests


class Admin:
    """The sandbox's /__admin API, on a session of its own (it is not the Integral surface)."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/__admin"
        self.session = requests.Session()

    def _send(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        response = self.session.request(method, self.url + path, **kwargs)
        assert response.status_code == expect, response.text
        return response.json()

    def fault(self, **rule: Any) -> dict[str, Any]:
        return self._send("POST", "/faults", 201, json=rule)

    def outcome(self, **rule: Any) -> dict[str, Any]:
        return self._send("POST", "/outcomes", 201, json=rule)

    def faults(self) -> list[dict[str, Any]]:
        return self._send("GET", "/faults", 200)

    def reset(self, **body: Any) -> dict[str, Any]:
        return self._send("POST", "/reset", 200, json=body)

    def orders(self, **query: str) -> list[dict[str, Any]]:
        return self._send("GET", "/orders", 200, params=query)

    def journal(self, *, wait_for: int = 0, **query: str) -> list[dict[str, Any]]:
        """The journal's entries; with `wait_for`, polled (real time, briefly) until that many.

        An exchange whose connection a fault dropped is journaled after the drop, so a client
        that saw the reset may ask before the entry is there.
        """
        deadline = time.monotonic() + 5.0
        while True:
            entries: list[dict[str, Any]] = self._send("GET", "/journal", 200, params=query)
            if len(entries) >= wait_for or time.monotonic() > deadline:
                return entries
            time.sleep(0.01)
