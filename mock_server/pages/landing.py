"""`/`: what this is, an example login that works with the config in force, and where to go."""

from __future__ import annotations

import json

from flask import Response, request

from integral_mock.integral.plumbing import sandbox
from integral_mock.pages.web import bp, page
from integral_mock.sandbox.access import is_loopback


@bp.get("/")
def landing() -> Response:
    config = sandbox().config
    # A shared sandbox (one with an admin token) tells strangers its users, not their passwords.
    show_password = not config.admin_token or is_loopback(request.remote_addr)
    login = config.example_user()
    body = login and json.dumps({"user": login.user, "pass": login.password, "org": login.org})
    return page(
        "landing.html",
        base_url=request.host_url.rstrip("/"),
        login=login,
        login_body=body,
        show_password=show_password,
        clock=config.clock,
    )
