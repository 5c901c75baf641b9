"""A small, well-behaved client on the standard library only; the bad clients subclass it.

Run as a script it does the certification task from the INTEGRAL_* environment and exits 0
when its order FILLED, 1 otherwise. Each bad client overrides one behaviour, so a test can
show that certification flags exactly that one.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

FINAL = {"FILLED", "REJECTED", "EXPIRED", "CANCELLED"}


class Ambiguous(Exception):
    """No usable answer: dropped, timed out, cut short, or a 5xx."""


class Answer(Exception):
    """An HTTP error answer (4xx, or a 5xx/429 that may be retried)."""

    def __init__(self, status: int, body: Any, retry_after: float | None) -> None:
        super().__init__(status)
        self.status, self.body, self.retry_after = status, body, retry_after


class Client:
    poll_s = 0.2
    timeout_s = 3.0
    attempts = 5

    def __init__(self) -> None:
        env = os.environ
        self.base = env["INTEGRAL_BASE_URL"].rstrip("/")
        self.creds = {"user": env["INTEGRAL_USER"], "pass": env["INTEGRAL_PASSWORD"]}
        self.creds["org"] = env["INTEGRAL_ORG"]
        self.symbol, self.side = env["INTEGRAL_SYMBOL"], env["INTEGRAL_SIDE"]
        self.size, self.currency = float(env["INTEGRAL_SIZE"]), env["INTEGRAL_CURRENCY"]
        self.token: str | None = None

    # -- HTTP -------------------------------------------------------------------------------

    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        """One request; Answer for an error status, Ambiguous when there is no usable answer."""
        headers = {"X-Request-ID": uuid.uuid4().hex, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = self.content_type()
        target = path + (f"?{query}" if query else "")
        if path != "/v2/sso/login":
            self.authenticate(method, target, data, headers)
        url = self.base + target
        request = urllib.request.Request(url, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
                if path == "/v2/sso/login" or path.endswith("/renew"):
                    self.token = response.headers["SSO_TOKEN"]
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            answer = Answer(exc.code, _json(raw), self.retry_after(exc.headers.get("Retry-After")))
            if exc.code >= 500:
                raise Ambiguous(str(exc.code)) from answer
            raise answer from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise Ambiguous(type(exc).__name__) from None

    def retry_after(self, value: str | None) -> float | None:
        """Retry-After in seconds (this client reads only the delta-seconds form)."""
        return float(value) if value else None

    def authenticate(
        self, method: str, target: str, data: bytes | None, headers: dict[str, str]
    ) -> None:
        """Make a request (not the login) say who sends it: here, the SSO_TOKEN header."""
        if self.token:
            headers["SSO_TOKEN"] = self.token

    def content_type(self) -> str:
        return "application/json"

    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        """A safe call, retried with backoff (and Retry-After); a refused token logs in once."""
        relogged = False
        for attempt in range(self.attempts):
            try:
                return self.send(method, path, body, query)
            except Answer as exc:
                if exc.status == 401 and not relogged:
                    relogged = True
                    self.reauthenticate()
                    continue
                if exc.status != 429 or attempt == self.attempts - 1:
                    raise
                self.pause(exc, attempt)
            except Ambiguous as exc:
                if attempt == self.attempts - 1:
                    raise
                self.pause(exc.__cause__, attempt)
        raise AssertionError("unreachable")

    def reauthenticate(self) -> None:
        """After a 401 for the token: log in again."""
        self.login()

    def pause(self, answer: Any, attempt: int) -> None:
        retry_after = answer.retry_after if isinstance(answer, Answer) else None
        time.sleep(max(retry_after or 0, 0.1 * 2**attempt))

    # -- the task ---------------------------------------------------------------------------

    def login(self) -> None:
        self.send("POST", "/v2/sso/login", self.creds)

    def quote(self) -> dict[str, Any]:
        query = urllib.parse.urlencode({"symbol": self.symbol})
        rate: dict[str, Any] = self.call("GET", "/v2/rates/spot", query=query)
        return rate

    def order_for(self, rate: dict[str, Any]) -> dict[str, Any]:
        buys_base = (self.side == "Buy") == (self.currency == self.symbol.split("/")[0])
        return {
            "coId": f"c-{uuid.uuid4().hex[:16]}",
            "type": "PQ",
            "timeInForce": "FOK",
            "side": self.side,
            "symbol": self.symbol,
            "currency": self.currency,
            "size": self.size,
            "price": rate["offer"] if buys_base else rate["bid"],
            "rateId": rate["rateId"],
        }

    def place(self, order: dict[str, Any]) -> dict[str, Any]:
        """Place once: after an ambiguous answer, look the coId up; re-send only on a 404."""
        for attempt in range(self.attempts):
            try:
                placed: dict[str, Any] = self.send("POST", "/v2/orders", order)
                return placed
            except Ambiguous as exc:
                self.pause(exc.__cause__, attempt)
                found = self.after_lost_answer(order)
                if found is not None:
                    return found
        raise SystemExit("gave up placing")

    def after_lost_answer(self, order: dict[str, Any]) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = self.call("GET", "/v2/orders", query=f"coId={order['coId']}")
            return found
        except Answer as exc:
            if exc.status == 404:
                return None
            raise

    def poll(self, order_id: str) -> dict[str, Any]:
        while True:
            order: dict[str, Any] = self.call("GET", f"/v2/orders/{order_id}")
            if order["status"] in FINAL:
                return order
            time.sleep(self.poll_s)

    def run(self) -> int:
        self.login()
        placed = self.place(self.order_for(self.quote()))
        # A look-up after a lost answer may already show the order final: read it no more.
        final = placed if placed["status"] in FINAL else self.poll(placed["orderId"])
        print("order", placed["orderId"], final["status"], flush=True)
        return 0 if final["status"] == "FILLED" else 1


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def main(client: type[Client]) -> None:
    sys.exit(client().run())


if __name__ == "__main__":
    main(Client)
