"""Who may call /__admin: the admin token, or else this machine only (and not a web page)."""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from flask import request

from integral_mock.errors import Unauthorized
from integral_mock.integral.plumbing import sandbox

PREFIX = "/__admin"
OPEN_ENDPOINTS = frozenset({"admin.health", "admin.spec"})  # readiness probes need no token


def guard() -> None:
    """With a token configured, every call but health needs it; without one, loopback only.

    Registered on the app, not the blueprint, so that an unknown /__admin path is a 401 too
    rather than a 404 that tells a stranger what exists.
    """
    if not request.path.startswith(PREFIX) or request.endpoint in OPEN_ENDPOINTS:
        return
    token = sandbox().config.admin_token
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
            raise Unauthorized(
                "The admin API needs `Authorization: Bearer <admin token>`", code="ADMIN_TOKEN"
            )
    elif not is_loopback(request.remote_addr) or not _same_machine_browser_safe():
        raise Unauthorized(
            "Without --admin-token the admin API answers loopback clients only",
            code="ADMIN_TOKEN",
        )


def _same_machine_browser_safe() -> bool:
    """Whether the Host (and any Origin) name this machine, not a web page's own site.

    A loopback client may still be a browser running some site's script: DNS rebinding shows
    as a foreign Host, a cross-site POST as a foreign Origin. curl and test clients send
    neither a foreign Host nor an Origin.
    """
    origin = request.headers.get("Origin")
    origin_host = urlsplit(origin).hostname if origin else "localhost"
    return is_loopback(_hostname(request.host)) and is_loopback(origin_host)


def _hostname(host: str) -> str | None:
    return urlsplit(f"//{host}").hostname


def is_loopback(host: str | None) -> bool:
    """Whether an address (or `localhost`) is this machine's own; a host name may be anywhere."""
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
