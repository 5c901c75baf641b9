"""GET /__admin/conformance: the live verdict over HTTP, behind the admin API's guard."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from integral_mock.conformance.live import live_verdict
from integral_mock.conformance.settings import Settings
from integral_mock.errors import NotFound
from integral_mock.integral.plumbing import sandbox
from integral_mock.integral.spec import shared_validator
from integral_mock.sandbox.access import PREFIX
from integral_mock.sandbox.controls import controls

# The admin API's guard (token, loopback, Host/Origin) is registered on the app for every
# /__admin path, and its response check covers this one too: only the view lives here.
bp = Blueprint("conformance", __name__, url_prefix=PREFIX)


@bp.get("/conformance")
def conformance() -> Response:
    query, _ = shared_validator("sandbox.yaml").validate_request(request)
    org = str(query["org"])
    config = sandbox().config
    if config.find_org(org) is None:
        raise NotFound(f"Unknown org {org!r}", code="UNKNOWN_ORG")
    since = int(query["since"]) if "since" in query else None
    settings = Settings(quote_lifetime_ms=config.quote_lifetime_ms)
    report = live_verdict(
        controls().journal.entries(org=org),
        org=org,
        base_url=request.host_url.rstrip("/"),
        settings=settings,
        since=since,
        now_ms=sandbox().clock.now_ms(),
    )
    return jsonify(report.to_json())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
