"""Paths that WSGI rewrites before any route sees them: a leading `//` and an encoded slash.

Werkzeug strips the slashes a path begins with (`//v2/orders` was served as `/v2/orders`,
while `/v2//orders` is a 404: `merge_slashes` is off), and WSGI decodes `%2F` into the `/`
that separates segments (`/v2/orders/1%2Ftrades` was served as the order's trades). Both are
another URI than the route's (RFC 3986 keeps `%2F` apart from `/`): a client that builds its
URLs so gets the 404 it would get for any path the spec does not have, not a quiet answer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from integral_mock.errors import NotFound


def refuse_rewritten_path() -> None:
    """Before any view, the app's and the control API's alike: 404 for such a path."""
    sent = _path_as_sent()
    if sent.startswith("//"):
        why = "a path begins with one slash"
    elif "%2f" in sent.lower():
        why = "an encoded slash (%2F) is no separator of the path"
    else:
        return
    # The rule matched is the rewritten path's, not this one's: without it, the answer is
    # checked as any unknown path's (not against an operation that has no 404).
    request.url_rule = None
    # The message names the path as sent: the one Werkzeug rewrote would look served.
    raise NotFound(f"No such resource: {request.method} {sent} ({why})")


def _path_as_sent() -> str:
    """The request target's path, still encoded where the server kept it (gunicorn and
    Werkzeug's servers do, as RAW_URI or REQUEST_URI); the decoded PATH_INFO otherwise."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        return str(environ.get("PATH_INFO", ""))
    if not raw.startswith("/"):  # absolute-form (`GET http://host/v2/orders`), a proxy's
        return urlsplit(raw).path
    return str(raw).partition("?")[0]
