"""Fixtures: a sandbox in a thread, and clients whose every exchange is checked against the spec."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import yaml
from openapi_core import OpenAPI

from integral_mock.client import HmacAuth, IntegralClient, RetryPolicy
from integral_mock.config import Config
from integral_mock.testing import LiveSandbox, running_sandbox
from tests.client.admin import Admin
from tests.client.fake_server import LOGIN, FakeServer, SteppedTime, client_of, login_ok, serving
from tests.client.network import FaultyAdapter
from tests.client.support import (
    SECRET,
    SPEC_PATH,
    TRADER,
    MakeClient,
    Recorder,
    RecordingSession,
    VirtualTime,
)


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """openapi/integral.yaml, read straight from the file: the one source of truth."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text("utf-8"))
    return loaded


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> Config:
    """The sandbox's settings; a test changes them with indirect parametrization."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    return Config.default(validate_responses=True, **overrides)


@pytest.fixture
def sandbox(sandbox_config: Config) -> Iterator[LiveSandbox]:
    with running_sandbox(sandbox_config) as live:
        yield live


@pytest.fixture(scope="session")
def openapi(spec: dict[str, Any]) -> OpenAPI:
    """The spec as openapi-core reads it, built once (some 0.2 s each time): its server is any
    port on 127.0.0.1, so it serves every test's sandbox."""
    document = copy.deepcopy(spec)
    port = {"default": "8080", "description": "the port of this test's sandbox"}
    document["servers"] = [{"url": "http://127.0.0.1:{port}", "variables": {"port": port}}]
    return OpenAPI.from_dict(document)


@pytest.fixture
def recorder(openapi: OpenAPI, sandbox: LiveSandbox) -> Iterator[Recorder]:
    recorder = Recorder(openapi)
    yield recorder
    assert recorder.problems == [], "exchanges that break openapi/integral.yaml"


@pytest.fixture
def faults() -> FaultyAdapter:
    """Client-side faults for every client `make_client` builds; none until a test adds some."""
    return FaultyAdapter()


@pytest.fixture
def virtual_time(sandbox: LiveSandbox) -> VirtualTime:
    return VirtualTime(sandbox)


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


@pytest.fixture
def signed_client(make_client: MakeClient, virtual_time: VirtualTime) -> IntegralClient:
    """A client that signs every call with HMAC (Date on the sandbox's clock), never logs in."""
    return make_client(auth=HmacAuth("apiUserId", SECRET, clock=virtual_time.clock))


@pytest.fixture
def admin(sandbox: LiveSandbox) -> Iterator[Admin]:
    admin = Admin(sandbox.base_url)
    yield admin
    admin.session.close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A scripted server (fake_server.py) that answers any login; tests script the rest."""
    with serving(FakeServer()) as fake:
        fake.script("POST", LOGIN, login_ok())
        yield fake


@pytest.fixture
def time_() -> SteppedTime:
    return SteppedTime()


@pytest.fixture
def odd(server: FakeServer, time_: SteppedTime) -> Iterator[IntegralClient]:
    with client_of(server, time_) as client:
        yield client
