"""Fixtures: a sandbox in a thread, and clients whose every exchange is checked against the spec."""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from integral_mock.client import HmacAuth, IntegralClient, RetryPolicy
from integral_mock.config import Config
from integral_mock.testing import LiveSandbox, running_sandbox
from tests.client.admin import Admin
from tests.client.network import FaultyAdapter

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "integral.yaml"
TRADER = {"user": "apiUserId", "password": "This is a long password!", "org": "apiOrganizationId"}
TRADER_B = {"user": "traderB", "password": "traderB-pass", "org": "orgB"}
VIEWER = {"user": "viewer", "password": "viewer-pass", "org": "apiOrganizationId"}


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """openapi/integral.yaml, read straight from the file: the one source of truth."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text("utf-8"))
    return loaded


@dataclass
class Exchange:
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
    exchanges: list[Exchange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Set by a test that makes the client send what the spec forbids, to see the server's 400.
    invalid_requests_expected: bool = False

    def record(self, response: requests.Response) -> None:
        """Keep and check one exchange; its body has been read in full by now."""
        request = response.request
        path = requests.utils.urlparse(request.url).path
        self.exchanges.append(
            Exchange(
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
        return [e.path for e in self.exchanges if method is None or e.method == method]

    def calls(self) -> list[str]:
        return [f"{e.method} {e.path} {e.status}" for e in self.exchanges]


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


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> Config:
    """The sandbox's settings; a test changes them with indirect parametrization."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    return Config.default(validate_responses=True, **overrides)


@pytest.fixture
def sandbox(sandbox_config: Config) -> Iterator[LiveSandbox]:
    with running_sandbox(sandbox_config) as live:
        yield live


@pytest.fixture
def recorder(spec: dict[str, Any], sandbox: LiveSandbox) -> Iterator[Recorder]:
    document = copy.deepcopy(spec)
    document["servers"] = [{"url": sandbox.base_url}]
    recorder = Recorder(OpenAPI.from_dict(document))
    yield recorder
    assert recorder.problems == [], "exchanges that break openapi/integral.yaml"


@pytest.fixture
def faults() -> FaultyAdapter:
    """Client-side faults for every client `make_client` builds; none until a test adds some."""
    return FaultyAdapter()


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


@pytest.fixture
def virtual_time(sandbox: LiveSandbox) -> VirtualTime:
    return VirtualTime(sandbox)


MakeClient = Callable[..., IntegralClient]


@pytest.fixture
def make_client(
    sandbox: LiveSandbox, recorder: Recorder, virtual_time: VirtualTime, faults: FaultyAdapter
) -> Iterator[MakeClient]:
    """Clients on recorded sessions and virtual time; `**overrides` replace any setting."""
    sessions: list[requests.Session] = []

    def make(credentials: dict[str, str] | None = None, **overrides: Any) -> IntegralClient:
        session = RecordingSession(recorder)
        session.mount("http://", faults)
        sessions.append(session)
        # A signing client (auth=…) gets no password unless the test gives one.
        login = credentials or ({} if "auth" in overrides else TRADER)
        settings: dict[str, Any] = {
            **login,
            "session": session,
            "clock": virtual_time.clock,
            "sleep": virtual_time.sleep,
            "retry": RetryPolicy(retries=3),
            "timeout": 5.0,
            "rng": random.Random(4),
        }
        return IntegralClient(sandbox.base_url, **{**settings, **overrides})

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def client(make_client: MakeClient) -> IntegralClient:
    return make_client()


SECRET = "This is a long secret!"  # the docs' example user's HMAC secret in the sandbox


@pytest.fixture
def signed_client(make_client: MakeClient, virtual_time: VirtualTime) -> IntegralClient:
    """A client that signs every call with HMAC (Date on the sandbox's clock), never logs in."""
    return make_client(auth=HmacAuth("apiUserId", SECRET, clock=virtual_time.clock))


@pytest.fixture
def admin(sandbox: LiveSandbox) -> Iterator[Admin]:
    admin = Admin(sandbox.base_url)
    yield admin
    admin.session.close()
