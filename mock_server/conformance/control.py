"""The sandbox's control API over HTTP, as certify uses it (so --base-url works the same)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests


class RunError(Exception):
    """The run itself could not be made: exit status 2, one line, no traceback."""


class Control:
    """The few /__admin calls a certification run needs, against any sandbox's base URL."""

    def __init__(self, base_url: str, *, admin_token: str = "", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = requests.Session()
        if admin_token:
            self._session.headers["Authorization"] = f"Bearer {admin_token}"
        self._timeout = timeout

    def close(self) -> None:
        self._session.close()

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """One call; anything but a 2xx JSON answer is a RunError naming what failed."""
        url = f"{self.base_url}{path}"
        try:
            response = self._session.request(
                method, url, json=body, params=params or None, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise RunError(f"cannot reach {self.base_url}: {type(exc).__name__}") from None
        if not response.ok:
            raise RunError(f"{method} {path} answered {response.status_code}: {_message(response)}")
        try:
            return response.json()
        except ValueError:
            raise RunError(
                f"{method} {path} did not answer JSON; is {url} integral-mock?"
            ) from None

    def check(self) -> None:
        """Fail early, with one line, when the URL is not an integral-mock sandbox."""
        found = self.call("GET", "/__admin/health")
        if not isinstance(found, dict) or found.get("status") != "OK":
            raise RunError(f"{self.base_url} is not an integral-mock sandbox")

    def reset(self, org: str) -> None:
        self.call("POST", "/__admin/reset", {"org": org})

    def add_fault(self, org: str, **rule: Any) -> None:
        self.call("POST", "/__admin/faults", {"org": org, **rule})

    def add_outcome(self, org: str, **rule: Any) -> None:
        self.call("POST", "/__admin/outcomes", {"org": org, **rule})

    def token_lifetime(self, org: str, ms: int | None) -> None:
        self.call("PUT", f"/__admin/orgs/{quote(org, safe='')}", {"tokenLifetimeMs": ms})

    def clear_faults(self, org: str) -> None:
        """The org's fault rules go, and any hang still held is let go."""
        self.call("DELETE", "/__admin/faults", org=org)

    def journal(self, org: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.call("GET", "/__admin/journal", org=org)
        return found

    def orders(self, org: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.call("GET", "/__admin/orders", org=org)
        return found

    def org_settings(self, org: str) -> dict[str, Any]:
        """The org's settings; a RunError (UNKNOWN_ORG) when the sandbox has no such org."""
        found: dict[str, Any] = self.call("GET", f"/__admin/orgs/{quote(org, safe='')}")
        return found

    def quote_lifetime_ms(self, org: str) -> int:
        """How long the sandbox keeps a rateId tradable: the live verdict judges by its own
        config's, and says so in its settings (asked of a time to come, so nothing is judged)."""
        found = self.call("GET", "/__admin/conformance", org=org, since=2**53)
        try:
            return int(found["settings"]["quote_lifetime_ms"])
        except (KeyError, TypeError, ValueError):
            raise RunError(f"{self.base_url} does not say how long its quotes live") from None

    def login(self, user: str, password: str, org: str) -> None:
        """Check the client's credentials before any scenario: a bad org is one clear line."""
        try:
            # Not through the admin session: the admin token has no business on Integral's surface.
            response = requests.post(
                f"{self.base_url}/v2/sso/login",
                json={"user": user, "pass": password, "org": org},
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise RunError(f"cannot reach {self.base_url}: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise RunError(f"cannot log in as {user}@{org}: {_message(response)}")


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no JSON body"
    if isinstance(body, dict):
        return f"{body.get('errorCode')}: {body.get('errorMessage')}"
    return str(body)[:200]
