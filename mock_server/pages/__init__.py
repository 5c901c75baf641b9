"""Pages for people: the landing page `/`, the API docs `/docs`, the dashboard `/__admin/`."""

from __future__ import annotations

from flask import Flask

from integral_mock.pages import dashboard, docs, landing, session
from integral_mock.pages.web import bp

VIEWS = (dashboard, docs, landing, session)  # each puts its routes on `bp` as it is imported


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
