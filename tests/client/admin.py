"""The sandbox's /__admin API as a tiny test helper."""

from __future__ import annotations

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

    def journal(self, **query: str) -> list[dict[str, Any]]:
        return self._send("GET", "/journal", 200, params=query)
