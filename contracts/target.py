"""Where the suite points: the sandbox in-process (the default), or a live server at a base URL."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

if TYPE_CHECKING:
    from flask import Flask

    from integral_mock.clock import ManualClock

# The spec as the wheel ships it, and schemathesis.toml (the repo's, which `st run` reads from
# the repo's root; the package carries it as a link to that one file, copied into the wheel).
SPEC = Path(str(resources.files("integral_mock.openapi").joinpath("integral.yaml")))
ST_CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"
DEFAULT_MAX_EXAMPLES = 100
DEFAULT_SEED = 0
DEFAULT_POLL_TIMEOUT_S = 30.0
# Each in-process request moves the manual clock on by this much, so orders go RECEIVED -> NEW ->
# final while Schemathesis works (some 10 and 25 requests in), and a replay sees the same times.
TICK_MS = 20
# The operations that download or resend STP trades: `-m "not stp_download"` leaves them out of
# the generated phases too, for an account whose STP download is not enabled.
STP_DOWNLOAD_OPERATIONS = ("getTradeMessages", "resendTrades")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A middleware put in front of the in-process sandbox; the teeth tests inject drift with it.
WRAP_APP = pytest.StashKey[Callable[[WsgiApp], WsgiApp]]()


@dataclass(frozen=True)
class Settings:
    """The knobs of one run (pytest options, see contracts/conftest.py)."""

    base_url: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    poll_timeout_s: float = DEFAULT_POLL_TIMEOUT_S
    wrap_app: Callable[[WsgiApp], WsgiApp] | None = None
    # Whether the generated phases may call STP_DOWNLOAD_OPERATIONS (not when `-m` deselects
    # the tests marked stp_download).
    stp_download: bool = True
    # The repo's schemathesis.toml; an installed suite is told where it is (pytest's rootdir).
    st_config: Path = ST_CONFIG


@dataclass(frozen=True)
class Target:
    """The schema to test with, bound to its server; in-process, also the app and its clock."""

    schema: BaseSchema
    settings: Settings
    app: Flask | None = None
    clock: ManualClock | None = None

    @property
    def live(self) -> bool:
        """Whether the suite tests a server over HTTP rather than the app in-process."""
        return self.app is None

    def generated(self) -> BaseSchema:
        """The schema the generated phases test: every operation, or all but the download's."""
        if self.settings.stp_download:
            return self.schema
        return self.schema.exclude(operation_id=list(STP_DOWNLOAD_OPERATIONS))

    def stp_download_labels(self) -> list[str]:
        """The download operations as Schemathesis names their generated tests: `GET /path`."""
        find = self.schema.find_operation_by_id  # type: ignore[attr-defined]
        return [str(find(operation_id).label) for operation_id in STP_DOWNLOAD_OPERATIONS]

    def close(self) -> None:
        if self.app is not None:
            # An unclosed SQLite connection warns, and warnings are errors here.
            self.app.extensions["integral-mock"].venue.store.close()


def build(settings: Settings) -> Target:
    if settings.base_url:
        # The contract is this repo's spec, not whatever the server says about itself.
        return Target(schemathesis.openapi.from_path(SPEC, config=_config(settings)), settings)
    return _in_process(settings)


def _in_process(settings: Settings) -> Target:
    from integral_mock.app import create_app
    from integral_mock.clock import ManualClock
    from integral_mock.config import Config

    clock = ManualClock()
    app = create_app(Config.default(validate_responses=True), clock=clock)
    wsgi: WsgiApp = Ticking(app, clock)
    if settings.wrap_app is not None:
        wsgi = settings.wrap_app(wsgi)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", wsgi, config=_config(settings))
    return Target(schema, settings, app, clock)


def _config(settings: Settings) -> schemathesis.Config:
    """schemathesis.toml (what `st run` uses), with this run's knobs on top and no reports."""
    data = tomllib.loads(settings.st_config.read_text("utf-8"))
    data.pop("reports", None)
    data["seed"] = settings.seed
    data.setdefault("generation", {})["max-examples"] = settings.max_examples
    if settings.base_url:
        data["base-url"] = settings.base_url.rstrip("/")
    return schemathesis.Config.from_dict(data, base_dir=str(settings.st_config.parent))


class Ticking:
    """WSGI middleware: every request moves the manual clock on by TICK_MS."""

    def __init__(self, app: WsgiApp, clock: ManualClock, tick_ms: int = TICK_MS) -> None:
        self.app, self.clock, self.tick_ms = app, clock, tick_ms

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.clock.advance(self.tick_ms)
        return self.app(environ, start_response)


# Schemathesis parametrizes tests when their module is imported, before any fixture exists (its
# fixture-based loader writes Node._nodeid, which pytest 9.2 no longer has), so the test modules
# ask here for the run's target; contracts/conftest.py configures it once per pytest run.
_settings: Settings | None = None
_current: Target | None = None


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def current() -> Target:
    global _current
    if _current is None:
        if _settings is None:
            raise RuntimeError("contracts.target is configured by contracts/conftest.py")
        _current = build(_settings)
    return _current


def close() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
