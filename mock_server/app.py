"""The application factory."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from mock_server import admin, api, web
from mock_server.clock import Clock, SystemClock
from mock_server.config import Config
from mock_server.exchange import Exchange
from mock_server.spec import SpecValidator, load_document
from mock_server.store import Store


def create_app(config: Config | None = None, *, clock: Clock | None = None) -> Flask:
    """A new sandbox app; two apps never share state."""
    config = config or Config.default()
    clock = clock or SystemClock()
    app = Flask("mock_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    exchange = Exchange(config, clock, Store(config.state_path))
    web.init_app(app, web.Sandbox(config, clock, exchange, SpecValidator()))
    api.init_app(app)
    admin.init_app(app)
    app.add_url_rule("/openapi.json", "openapi", _serve_spec)
    return app


def _serve_spec() -> Response:
    return jsonify(load_document())
