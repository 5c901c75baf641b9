"""Client-side network faults, for what the sandbox cannot do to a client from its side."""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError


class FaultyAdapter(HTTPAdapter):
    """Client-side network faults on top of the real connection to the sandbox.

    `refuse` fails before sending; `lose` and `timeout` send for real and then drop the answer
    (the order is committed, the client never hears so); `mangle` sends for real and swaps the
    answer for JSON the spec does not allow; `status:N[:S]` answers an error object with status
    N (and Retry-After S) without sending; `redirect` answers 302 to another host, unsent.
    """

    def __init__(self) -> None:
        super().__init__()
        self.plan: dict[tuple[str, str], list[str]] = {}
        self.sent: list[tuple[str, str]] = []

    def add(self, method: str, path: str, *faults: str) -> None:
        self.plan.setdefault((method, path), []).extend(faults)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        key = (str(request.method), requests.utils.urlparse(request.url).path)
        queued = self.plan.get(key, [])
        fault = queued.pop(0) if queued else ""
        if fault == "refuse":
            # Shaped as requests reports a refused connect, so the client can tell it apart
            # from a connection lost after sending.
            refused = NewConnectionError(None, "connection refused (injected)")
            raise requests.ConnectionError(MaxRetryError(None, str(request.url), refused))
        if fault.startswith("status:"):
            return self._error_response(request, *fault.split(":")[1:])
        if fault == "redirect":
            return self._redirect(request)
        self.sent.append(key)
        response = super().send(request, *args, **kwargs)
        if fault == "mangle":
            response.close()  # the real answer (the server did act) is dropped, unread
            response._content = b'[{"tradeId": "mangled"}]'
        if fault in ("lose", "timeout"):
            response.close()  # the answer is dropped, and its socket with it
        if fault == "lose":
            raise requests.ConnectionError("connection reset after sending (injected)")
        if fault == "timeout":
            raise requests.ReadTimeout("read timed out (injected)")
        return response

    def _redirect(self, request: requests.PreparedRequest) -> requests.Response:
        response = requests.Response()
        response.status_code, response.reason = 302, "Found"
        response.request, response.url = request, str(request.url)
        response.headers["Location"] = ELSEWHERE
        response._content = b""
        return response

    def _error_response(
        self, request: requests.PreparedRequest, status: str, retry_after: str = ""
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = int(status)
        response.request = request
        response.url = str(request.url)
        response.headers["Content-Type"] = "application/json"
        response.headers["X-Request-ID"] = "injected"
        if retry_after:
            response.headers["Retry-After"] = retry_after
        body = {"status": "ERROR", "errorCode": _CODES[int(status)], "errorMessage": "injected"}
        response._content = json.dumps({**body, "responseTuples": None}).encode()
        return response


ELSEWHERE = "http://elsewhere.invalid/collect"  # another host, which must never see a token
_CODES = {
    401: "TOKEN_INVALID",
    404: "NOT_FOUND",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
