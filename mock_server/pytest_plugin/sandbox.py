"""IntegralSandbox: what a test holds of the shared sandbox — its URL, clock and controls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from integral_mock.clock import ManualClock

DOCS_LOGIN = {
    "user": "apiUserId",
    "password": "This is a long password!",
    "org": "apiOrganizationId",
}


class ConformanceFailure(AssertionError):
    """The traffic a test sent broke a `must` rule of client conformance."""


@dataclass
class IntegralSandbox:
    """A sandbox running in a thread for the whole session, reset before each test."""

    base_url: str
    clock: ManualClock

    def _admin(self, verb: str, route: str, body: dict[str, Any]) -> Any:
        response = requests.request(verb, f"{self.base_url}/__admin{route}", json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        """Forget every order, rule, journal entry and token; random sequences restart."""
        self._admin("POST", "/reset", {"sessions": True})

    def force_outcome(self, **rule: Any) -> dict[str, Any]:
        """Add an outcome rule (sandbox.yaml's addOutcome), e.g. outcome="REJECTED", times=1."""
        added: dict[str, Any] = self._admin("POST", "/outcomes", rule)
        return added

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (sandbox.yaml's addFault), e.g. path="/v2/orders*", fault="503"."""
        added: dict[str, Any] = self._admin("POST", "/faults", rule)
        return added

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        response = requests.get(f"{self.base_url}/__admin/journal", params=filters, timeout=30)
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()
        return entries

    def conformance(self, org: str = DOCS_LOGIN["org"]) -> dict[str, Any]:
        """The live conformance verdict of `org`'s traffic since the test began."""
        response = requests.get(
            f"{self.base_url}/__admin/conformance", params={"org": org}, timeout=30
        )
        response.raise_for_status()
        report: dict[str, Any] = response.json()
        return report

    def assert_conforms(self, org: str = DOCS_LOGIN["org"]) -> None:
        """Fail the test if its traffic broke a `must` rule, saying which and what to do."""
        report = self.conformance(org)
        if report["passed"]:
            return
        failed = [r for s in report["scenarios"] for r in s["rules"] if r["verdict"] == "fail"]
        lines = [
            f"{r['id']} ({r['level']}): {r['detail']}\n    {r['hint']}"
            for r in failed
            if r["level"] == "must"
        ]
        raise ConformanceFailure("the client broke conformance rules:\n  " + "\n  ".join(lines))
