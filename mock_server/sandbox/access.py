"""Who may call /__admin: the admin token, or else this machine only (and not a web page)."""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from flask import request

from integral_mock.errors import Unauthorized
from integral_mock.integral.plumbing import sandbox
from integral_mock.sandbox.admin_sessions import AdminSessions

PREFIX = "/__admin"
# Readiness probes need no token; nor does the dashboard's form that takes one (pages/).
OPEN_ENDPOINTS = frozenset({"admin.health", "admin.spec", "pages.open_session"})
# The dashboard's session: a browser cannot send a bearer token when it opens a page.
SESSION_COOKIE = "integral_mock_admin"
# What reverse proxies add (Caddy, Traefik, nginx as usually set up, RFC 7239): a request
# bearing one came from wherever the proxy's clients are, loopback peer or not.
RELAY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def guard() -> None:
    """With a token configured, every call but health needs it; without one, loopback only.

    Registered on the app, not the blueprint, so that an unknown /__admin path is a 401 too
    rather than a 404 that tells a stranger what exists.
    """
    if not request.path.startswith(PREFIX) or request.endpoint in OPEN_ENDPOINTS:
        return
    token = sandbox().config.admin_token
    if token:
        if not _bearer_given(token) and not _session_given(token):
            raise Unauthorized(
                "The admin API needs `Authorization: Bearer <admin token>`", code="ADMIN_TOKEN"
            )
    elif not is_loopback(request.remote_addr) or not _same_machine_browser_safe():
        raise Unauthorized(
            "Without --admin-token the admin API answers loopback clients only",
            code="ADMIN_TOKEN",
        )
    elif relayed := [name for name in RELAY_HEADERS if name in request.headers]:
        # A reverse proxy on this machine makes every client of its port a loopback peer.
        raise Unauthorized(
            f"Without --admin-token the admin API answers this machine's own clients only,"
            f" not ones a proxy relayed ({relayed[0]})",
            code="ADMIN_TOKEN",
        )


def _bearer_given(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


def admin_sessions() -> AdminSessions:
    found: AdminSessions = sandbox().controls.admin_sessions
    return found


def _session_given(token: str) -> bool:
    """The dashboard's cookie (timed, not ended), on a request of this sandbox's pages only."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie is not None and admin_sessions().valid(token, cookie) and same_origin()


def same_origin() -> bool:
    """Whether a browser sent this from a page of this very origin (as a cookie needs).

    A browser attaches the cookie to any request for this site, even one a foreign page makes
    (SameSite=Strict keeps other sites out, but not another port of this host): so the fetch
    metadata must say same-origin, and a request that changes state must name its Origin.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return request.method in ("GET", "HEAD")
    return urlsplit(origin).netloc == request.host and origin.startswith(request.scheme + ":")


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
