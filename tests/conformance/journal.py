"""Synthetic journal entries, shaped as /__admin/journal answers them, and judging them."""

from __future__ import annotations

import itertools
from typing import Any

from integral_mock.conformance import rules
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Judgment

DEFAULT = Settings()


class Traffic:
    """A client's traffic, built call by call; `at` is ms since the start."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def add(
        self,
        at: int,
        method: str,
        path: str,
        status: int | None = 200,
        *,
        query: str = "",
        body: Any = None,
        answer: Any = None,
        delivered: bool | None = None,
        fault: str | None = None,
        headers: dict[str, str] | None = None,
        answer_headers: dict[str, str] | None = None,
        request_id: str | None = "auto",
    ) -> dict[str, Any]:
        n = next(self._ids)
        sent = {"Sso-Token": "[redacted]"} if path != "/v2/sso/login" else {}
        if body is not None:
            sent["Content-Type"] = "application/json"
        rid = f"r{n}" if request_id == "auto" else request_id
        if rid is not None:
            sent["X-Request-Id"] = rid
        entry = {
            "id": n,
            "time": 1_000_000 + at,
            "requestId": rid,
            "org": "org",
            "method": method,
            "path": path,
            "query": query,
            "status": status,
            "delivered": status is not None if delivered is None else delivered,
            "fault": fault,
            "latencyMs": 0,
            "durationMs": 1.0,
            "request": {"headers": sent | (headers or {}), "body": body},
            "response": {"headers": answer_headers or {}, "body": answer},
        }
        self.entries.append(entry)
        return entry

    # -- the usual calls ----------------------------------------------------------------------

    def login(self, at: int, expiry_in: int = 1_800_000) -> None:
        answer = {"status": "OK", "expiryTime": 1_000_000 + at + expiry_in}
        self.add(
            at, "POST", "/v2/sso/login", body={"user": "u", "pass": "[redacted]"}, answer=answer
        )

    def quote(self, at: int, rate_id: str = "R1", bid: float = 1.1, offer: float = 1.2) -> None:
        answer = {"symbol": "EUR/USD", "bid": bid, "offer": offer, "rateId": rate_id}
        self.add(at, "GET", "/v2/rates/spot", query="symbol=EUR%2FUSD", answer=answer)

    def place(
        self,
        at: int,
        status: int | None = 202,
        *,
        co_id: str = "c1",
        order_id: str = "7",
        price: float = 1.2,
        rate_id: str = "R1",
        delivered: bool | None = None,
        side: str = "Buy",
        fault: str | None = None,
    ) -> None:
        body = {
            "coId": co_id,
            "type": "PQ",
            "side": side,
            "symbol": "EUR/USD",
            "currency": "EUR",
            "size": 1000000,
            "price": price,
            "rateId": rate_id,
        }
        answer = (
            {"orderId": order_id, "coId": co_id, "status": "RECEIVED"} if status == 202 else None
        )
        self.add(
            at,
            "POST",
            "/v2/orders",
            status,
            body=body,
            answer=answer,
            delivered=delivered,
            fault=fault,
        )

    def poll(self, at: int, order_id: str = "7", state: str = "NEW", status: int = 200) -> None:
        answer = {"orderId": order_id, "coId": "c1", "status": state} if status == 200 else None
        self.add(at, "GET", f"/v2/orders/{order_id}", status, answer=answer)

    def happy(self) -> Traffic:
        """A well-behaved run: login, quote, place, three polls to FILLED."""
        self.login(0)
        self.quote(10)
        self.place(20)
        self.poll(100)
        self.poll(300)
        self.poll(700, state="FILLED")
        return self


def verdict(rule_id: str, traffic: Traffic, settings: Settings = DEFAULT) -> Judgment:
    """One rule's verdict on some synthetic traffic."""
    return rules.BY_ID[rule_id].judge(traffic.entries, settings)
