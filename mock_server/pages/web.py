"""The pages' blueprint and how a page is answered: a template, with headers that keep it safe."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

# Scripts and styles from this origin only (Swagger UI styles some elements inline).
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'"
)


def page(template: str, status: int = 200, **context: Any) -> Response:
    """`template` as an HTML answer, never framed or cached, and never named to other sites."""
    response = Response(render_template(template, **context), status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Frame-Options"] = "DENY"
    # Not "no-referrer": under it a form's POST says `Origin: null`, and the token form fails.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
