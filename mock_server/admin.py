"""The sandbox's own control API under /__admin (see openapi/sandbox.yaml)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from mock_server.web import sandbox

bp = Blueprint("admin", __name__, url_prefix="/__admin")


@bp.get("/health")
def health() -> Response:
    """Readiness probe: 200 once the app can answer."""
    return jsonify({"status": "OK", "time": sandbox().clock.now_ms()})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
