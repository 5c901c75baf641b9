"""pytest options and fixtures of the contract suite: in-process by default, or --base-url URL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from _pytest.mark.expression import Expression

from integral_mock.contracts import command, credentials, hooks, target  # noqa: F401 - importing hooks registers auth, hooks, checks
from integral_mock.contracts.desk import Desk
from integral_mock.contracts.target import Target

# The suite's own end-to-end tests, which run before Schemathesis' generated cases.
END_TO_END = (
    "test_lifecycle.py",
    "test_order_rules.py",
    "test_quote_rules.py",
    "test_sessions.py",
    "test_bookings.py",
    "test_asked.py",
    "test_hmac.py",
)
# Registered here, not in an ini file: the installed suite runs with an empty one (command.py).
MARKERS = (
    "stp_download: downloads or resends STP trades (the org's queue is consumed and three days "
    "of it queued again); -m 'not stp_download' also keeps the generated phases off those "
    "operations, for an account without STP download",
    "sandbox_decision: checks a sandbox decision where Integral's docs are silent, not a "
    "published fact (integral-api.md); a live venue may decide otherwise",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "Integral contract suite")
    group.addoption(
        "--base-url",
        default=None,
        help="test a live server at this URL instead of the in-process sandbox; log in as "
        "INTEGRAL_USER / INTEGRAL_PASSWORD / INTEGRAL_ORG (default: the docs' example login)",
    )
    group.addoption(
        "--contract-max-examples",
        type=int,
        default=target.DEFAULT_MAX_EXAMPLES,
        help="Hypothesis examples per operation and per stateful run (default %(default)s)",
    )
    group.addoption(
        "--contract-seed",
        type=int,
        default=target.DEFAULT_SEED,
        help="seed of every generated request (default %(default)s)",
    )
    group.addoption(
        "--contract-poll-timeout",
        type=float,
        default=target.DEFAULT_POLL_TIMEOUT_S,
        help="seconds an order may take to reach a final status, on the sandbox's clock "
        "in-process (default %(default)s)",
    )


@pytest.hookimpl(trylast=True)  # after plugins that stash a WRAP_APP (the teeth tests)
def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    base_url = config.getoption("--base-url")
    if base_url and (problem := command.unreachable(base_url)):
        pytest.exit(f"integral-mock contracts: {problem}", returncode=2)  # one line, no trace
    target.configure(
        target.Settings(
            base_url=config.getoption("--base-url"),
            max_examples=config.getoption("--contract-max-examples"),
            seed=config.getoption("--contract-seed"),
            poll_timeout_s=config.getoption("--contract-poll-timeout"),
            wrap_app=config.stash.get(target.WRAP_APP, None),
            stp_download=selects(config, "stp_download"),
        )
    )


def selects(config: pytest.Config, marker: str) -> bool:
    """Whether the run's `-m` keeps a test marked `marker` (and nothing else)."""
    expression = config.getoption("markexpr")
    if not expression:
        return True
    # pytest's own parser of -m, so the generated phases leave out what the tests leave out.
    return Expression.compile(expression).evaluate(lambda name, /, **kwargs: name == marker)


@pytest.hookimpl(tryfirst=True)  # before pytest's -m deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The short end-to-end workflow first, the long fuzzing after: a broken basic fails fast.
    A generated test of a download operation is marked stp_download, as the suite's own are."""
    items.sort(key=lambda item: item.path.name not in END_TO_END)
    labels = target.current().stp_download_labels()
    for item in items:
        if any(item.name.endswith(f"[{label}]") for label in labels):
            item.add_marker(pytest.mark.stp_download)


def pytest_unconfigure(config: pytest.Config) -> None:
    target.close()


@pytest.fixture(scope="session")
def contract_target() -> Target:
    return target.current()


@pytest.fixture(scope="session", autouse=True)
def no_order_left_working(contract_target: Target) -> Iterator[None]:
    """Live, the run ends by cancelling the orders it left working (and any an earlier run
    left): the generated phases leave GTC and Stop orders resting, which would fill in the
    middle of a later run and move the position it measures."""
    yield
    if contract_target.live:
        Desk(contract_target).cancel_leftovers()


@pytest.fixture
def desk(contract_target: Target) -> Desk:
    """The tutorial's steps, logged in afresh as the caller."""
    return Desk(contract_target)


@pytest.fixture
def other_desk(contract_target: Target) -> Desk:
    """The tutorial's steps as the second org (INTEGRAL_OTHER_*), its answers unchecked."""
    other = credentials.other_org()
    if other is None:
        pytest.skip("INTEGRAL_OTHER_USER is empty: no second org to ask")
    return Desk(contract_target, other)


@pytest.fixture
def viewer_desk(contract_target: Target) -> Desk:
    """The tutorial's steps as a user without trading permission (INTEGRAL_VIEWER_*), its
    answers unchecked (a refusal is what the test expects)."""
    viewer = credentials.viewer()
    if viewer is None:
        pytest.skip("INTEGRAL_VIEWER_USER is empty: no user without trading permission to ask")
    try:
        return Desk(contract_target, viewer)
    except RuntimeError as refused:
        # A live venue need not have the sandbox's viewer: unnamed, its absence is no failure.
        if contract_target.live and "INTEGRAL_VIEWER_USER" not in os.environ:
            pytest.skip(f"{refused}; name a user without trading permission: INTEGRAL_VIEWER_*")
        raise
