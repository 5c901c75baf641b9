"""`/docs`: both specs in Swagger UI, served from the installed swagger-ui-bundle (no CDN)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

from integral_mock.pages.web import bp, page

SPECS = (
    {"name": "Integral FX Inside REST API", "url": "/openapi.json"},
    {"name": "Sandbox control API (/__admin)", "url": "/__admin/openapi.json"},
)
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


@bp.get("/docs")
def docs() -> Response:
    return page("docs.html", specs=SPECS)


@bp.get("/docs/swagger-ui/<name>")
def swagger_ui(name: str) -> Response:
    """One of Swagger UI's own files, as the wheel installed it."""
    if name not in ASSETS:
        raise NotFound()
    return send_from_directory(Path(str(swagger_ui_path)), name, max_age=3600)
