"""The fixtures and markers: integral_sandbox, integral_client, integral_outcome/integral_fault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from integral_mock.pytest_plugin.sandbox import DOCS_LOGIN, IntegralSandbox

if TYPE_CHECKING:
    from integral_mock.client import IntegralClient


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "integral_outcome(**rule): an outcome rule (sandbox.yaml addOutcome) for this test",
    )
    config.addinivalue_line(
        "markers", "integral_fault(**rule): a fault rule (sandbox.yaml addFault) for this test"
    )


# Orders move on reads (the final status on the third), so code that polls sees an order go
# RECEIVED → NEW → FILLED while the clock stays where the test put it.
PROGRESSION = "polls:3"


@pytest.fixture(scope="session")
def _integral_sandbox_session() -> Iterator[IntegralSandbox]:
    # Imported here: a plugin every pytest run loads must cost nothing until it is used.
    from integral_mock.config import Config
    from integral_mock.testing import running_sandbox

    config = Config.default(validate_responses=True, progression=PROGRESSION)
    with running_sandbox(config) as live:
        yield IntegralSandbox(live.base_url, live.clock)


@pytest.fixture
def integral_sandbox(
    _integral_sandbox_session: IntegralSandbox, request: pytest.FixtureRequest
) -> IntegralSandbox:
    """The session's sandbox, reset for this test, with its markers' rules in force."""
    sandbox = _integral_sandbox_session
    sandbox.reset()
    for marker in request.node.iter_markers("integral_outcome"):
        sandbox.force_outcome(**marker.kwargs)
    for marker in request.node.iter_markers("integral_fault"):
        sandbox.add_fault(**marker.kwargs)
    return sandbox


@pytest.fixture
def integral_client(integral_sandbox: IntegralSandbox) -> Iterator[IntegralClient]:
    """The reference client, logged in as the docs' example user, against integral_sandbox."""
    from integral_mock.client import IntegralClient

    client_args: dict[str, Any] = dict(DOCS_LOGIN)
    with IntegralClient(integral_sandbox.base_url, **client_args) as client:
        client.login()
        yield client
