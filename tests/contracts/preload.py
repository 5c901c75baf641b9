"""Imported once by the teeth runs' forkserver: what every `pytest contracts` run needs.

Building (and closing) an app parses the spec into the sandbox's process-wide validators, so a
forked run starts with them parsed. Never imported by the test process itself.
"""

from __future__ import annotations

import hypothesis  # noqa: F401
import pytest  # noqa: F401
import schemathesis  # noqa: F401

from integral_mock.app import create_app
from integral_mock.config import Config
from integral_mock.contracts import hooks, target  # noqa: F401 - hooks registers auth, checks
from tests.contracts import drift_plugin  # noqa: F401
from tests.helpers import close_app

close_app(create_app(Config.default(validate_responses=True)))
