"""Workflow fixtures: a logged-in token and a peek at the seeded market."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integral_mock.config import Config
from tests.helpers import Api
from tests.workflow.support import Market


@pytest.fixture
def token(api: Api) -> str:
    return api.token()


@pytest.fixture(scope="session")
def _default_market() -> Iterator[Market]:
    """One peek for the session: it only reads prices, and they depend on the seed alone."""
    peek = Market(Config.default(validate_responses=True))
    yield peek
    peek.close()


@pytest.fixture
def market(config: Config, _default_market: Market) -> Iterator[Market]:
    if config.seed == _default_market.seed:
        yield _default_market
        return
    peek = Market(config)  # a test on another seed needs a market of its own
    yield peek
    peek.close()
