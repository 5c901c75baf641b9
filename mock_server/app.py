"""The application factory: wires the venue, the Integral surface and the sandbox controls."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, Response, jsonify

from integral_mock.clock import (
    MANUAL_START_MS,
    Clock,
    ManualClock,
    ReferenceClock,
    SystemClock,
    WallClock,
)
from integral_mock.config import Config
from integral_mock.conformance import endpoint as conformance
from integral_mock.exchange.seeding import Seed
from integral_mock.exchange.venue import Venue
from integral_mock.integral import plumbing, views
from integral_mock.integral.raw_path import refuse_rewritten_path
from integral_mock.integral.spec import load_document, shared_validator
from integral_mock.pages import init_app as init_pages
from integral_mock.sandbox import admin, controls
from integral_mock.sandbox.admin_sessions import AdminSessions
from integral_mock.sandbox.fault_rules import FaultRules
from integral_mock.sandbox.journal import Journal
from integral_mock.sandbox.latency import parse_latency
from integral_mock.sandbox.outcomes import Outcomes
from integral_mock.store import Store, StoredTime


def check_config(config: Config) -> Config:
    """`config`, once the settings the sandbox controls read are known good (ValueError)."""
    parse_latency(config.latency)
    return config


def create_app(
    config: Config | None = None,
    *,
    clock: Clock | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Flask:
    """A new sandbox app; two apps never share state.

    `sleep` is how injected latency waits: `time.sleep`, except with a ManualClock, where
    tests move time themselves and latency is only recorded (in the journal).
    """
    config = check_config(config or Config.default())
    app = Flask("integral_mock")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # No framework-made OPTIONS answers: the spec declares none, so OPTIONS is a 405 with Allow.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    store = Store(config.database)
    wall = _wall_clock_of(store)
    if clock is None:
        manual = config.clock == "manual"
        clock = ManualClock(cell=StoredTime(store, MANUAL_START_MS)) if manual else wall
    if sleep is None:
        sleep = _no_sleep if isinstance(clock, ManualClock) else time.sleep
    seed = Seed(store, config.seed)  # one seed for the venue's, the faults' and outcomes' streams
    outcomes = Outcomes(config, store, seed)
    venue = Venue(config, clock, store, outcomes.decide, seed)
    faults, journal = FaultRules(config, store, seed), Journal(store, config.journal_size, wall)
    sessions = AdminSessions(store)
    state = controls.Controls(config, clock, venue, outcomes, faults, journal, sleep, sessions)
    sandbox = plumbing.Sandbox(
        config, clock, venue, shared_validator(), controls=state, directive=state.order_directive
    )
    plumbing.init_app(app, sandbox)
    app.before_request(refuse_rewritten_path)  # before any view, the control API's too
    views.init_app(app)
    admin.init_app(app)
    conformance.init_app(app)  # GET /__admin/conformance, the live verdict
    controls.init_app(app, state)
    init_pages(app)
    app.add_url_rule("/openapi.json", "openapi", _serve_spec)
    return app


def preload() -> None:
    """Build what every app of this process shares, the specs' compiled validators, so that
    worker processes forked after it inherit them instead of each building its own."""
    shared_validator()
    shared_validator(admin.SANDBOX_SPEC)


def _wall_clock_of(store: Store) -> WallClock:
    """The real time: the shared database's where replicas may be on several hosts
    (clock.ReferenceClock), this host's otherwise. A manual clock (`--clock manual`) keeps
    its time in the store instead, so one advance moves every worker's and replica's."""
    return ReferenceClock(store.database_time) if store.spans_hosts else SystemClock()


def _serve_spec() -> Response:
    return jsonify(load_document())


def _no_sleep(seconds: float) -> None:
    """Latency under a manual clock: recorded by the caller, never slept."""
