"""`/__admin/`: the live dashboard; the page is a frame, its script reads the admin JSON API."""

from __future__ import annotations

from flask import Response

from integral_mock.integral.plumbing import sandbox
from integral_mock.pages.web import bp, page
from integral_mock.sandbox.faults import KINDS

OUTCOMES = ("FILLED", "REJECTED", "EXPIRED")
ORDER_TYPES = ("PQ", "Market", "AtBest", "Limit", "Stop", "StopLimit", "Pegged", "Algo")


@bp.get("/__admin/", strict_slashes=False)
def dashboard() -> Response:
    """Behind the admin API's own guard (access.py), as every path under /__admin is."""
    config = sandbox().config
    return page(
        "dashboard.html",
        orgs=[org.name for org in config.orgs],
        fault_kinds=KINDS,
        outcomes=OUTCOMES,
        order_types=ORDER_TYPES,
        token_session=bool(config.admin_token),
    )
