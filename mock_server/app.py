"""The application factory."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, Response, jsonify
from integral_mock.clock import Clock, ManualClock, SystemClock
from integral_mock.config import Config
from integral_mock.conformance import endpoint as conformance
from integral_mock.exchange.venue import Exchange
from integral_mock.integral import plumbing, views
from integral_mock.integral.spec import load_document, shared_validator
from integral_mock.sandbox import admin, controls
from integral_mock.sandbox.fault_rules import Faults
from integral_mock.sandbox.journal import Journal
from integral_mock.store import Store


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
    config = config or Config.default()
    clock = clock or (ManualClock() if config.clock == "manual" else SystemClock())
    if sleep is None:
        sleep = _no_sleep if isinstance(clock, ManualClock) else time.sleep
    app = Flask("integral_mock")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # No framework-made OPTIONS answers: the spec declares none, so OPTIONS is a 405 with Allow.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    exchange = Exchange(config, clock, Store(config.state_path))
    plumbing.init_app(app, plumbing.Sandbox(config, clock, exchange, shared_validator()))
    views.init_app(app)
    admin.init_app(app)
    conformance.init_app(app)  # GET /__admin/conformance, the live verdict
    journal = Journal(config.journal_size)
    state = controls.Controls(config, clock, exchange, Faults(config), journal, sleep)
    controls.init_app(app, state)
    app.add_url_rule("/openapi.json", "openapi", _serve_spec)
    return app


def _serve_spec() -> Response:
    return jsonify(load_document())


def _no_sleep(seconds: float) -> None:
    """Latency under a manual clock: recorded by the caller, never slept."""
