"""pytest options and fixtures of the contract suite: in-process by default, or --base-url URL."""

from __future__ import annotations

import pytest

from integral_mock.contracts import command, hooks, target  # noqa: F401 - importing hooks registers auth, hooks, checks
from integral_mock.contracts.desk import Desk
from integral_mock.contracts.target import Target

# The suite's own end-to-end tests, which run before Schemathesis' generated cases.
END_TO_END = ("test_lifecycle.py", "test_order_rules.py")


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
        )
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The short end-to-end workflow first, the long fuzzing after: a broken basic fails fast."""
    items.sort(key=lambda item: item.path.name not in END_TO_END)


def pytest_unconfigure(config: pytest.Config) -> None:
    target.close()


@pytest.fixture(scope="session")
def contract_target() -> Target:
    return target.current()


@pytest.fixture
def desk(contract_target: Target) -> Desk:
    """The tutorial's steps, logged in afresh as the caller."""
    return Desk(contract_target)
