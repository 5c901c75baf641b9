"""Helpers for the client's tests: the logins, a spec-checking recorder and virtual time."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from integral_mock.client import IntegralClient
from integral_mock.testing import LiveSandbox

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "integral.yaml"
TRADER = {"user": "apiUserId", "password": "This is a long password!", "org": "apiOrganizationId"}
TRADER_B = {"user": "traderB", "password": "traderB-pass", "org": "orgB"}
VIEWER = {"user": "viewer", "password": "viewer-pass", "org": "apiOrganizationId"}
SECRET = "This is a long secret!"  # the docs' example user's HMAC secret in the sandbox


@dataclass
class RecordedCall:
    """One request the client sent and the response it got, as the wire saw them."""

    method: str
    path: str
    status: int
    request_headers: dict[str, str]
    response: requests.Response


@dataclass
class Recorder:
    """Validates each exchange against the spec and keeps it for the test to look at."""

    openapi: OpenAPI
    recorded: list[RecordedCall] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Set by a test that makes the client send what the spec forbids, to see the server's 400.
    invalid_requests_expected: bool = False

    def record(self, response: requests.Response) -> None:
        """Keep and check one exchange; its body has been read in full by now."""
        request = response.request
        path = requests.utils.urlparse(request.url).path
        self.recorded.append(
            RecordedCall(
                str(request.method), path, response.status_code, dict(request.headers), response
            )
        )
        wrapped = RequestsOpenAPIRequest(request)
        checks = []
        # A body that is not JSON at all is a network fault (garbage) that no spec describes;
        # an empty one is checked (cancel answers 202 with no body, and the spec says so).
        if not response.content or _is_json(response.content):
            checks.append(
                lambda: self.openapi.validate_response(wrapped, RequestsOpenAPIResponse(response))
            )
        if not self.invalid_requests_expected:
            checks.append(lambda: self.openapi.validate_request(wrapped))
        for check in checks:
            try:
                check()
            except Exception as exc:  # any validation failure is a finding, whatever its class
                self.problems.append(f"{request.method} {path} -> {response.status_code}: {exc!r}")

    def paths(self, method: str | None = None) -> list[str]:
        return [e.path for e in self.recorded if method is None or e.method == method]

    def calls(self) -> list[str]:
        return [f"{e.method} {e.path} {e.status}" for e in self.recorded]


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


class RecordingSession(requests.Session):
    """A session that hands every complete exchange to a Recorder.

    Not a response hook: hooks run before the body is read, so a truncated body would blow up
    inside the hook instead of reaching the client as the error it must handle.
    """

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        self.recorder.record(response)
        return response


@dataclass
class VirtualTime:
    """The sandbox's manual clock as the client's clock and sleep: waiting costs no real time."""

    sandbox: LiveSandbox
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.sandbox.clock.now_ms() / 1000

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sandbox.clock.advance(math.ceil(seconds * 1000))


MakeClient = Callable[..., IntegralClient]
