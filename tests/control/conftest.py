"""Fixtures for the sandbox controls: an `admin` helper beside the shared `api` one."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.control.support import Admin
from tests.helpers import Api


@pytest.fixture
def admin(client: FlaskClient) -> Admin:
    return Admin(client)


@pytest.fixture
def token(api: Api) -> str:
    return api.token()
