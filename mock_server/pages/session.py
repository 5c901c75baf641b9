"""How a browser gives the admin token: a form whose answer is an HttpOnly, same-site cookie.

The token travels once, in a POST body (never in a URL that a log or history keeps); the
cookie holds when it was issued, a nonce and a MAC of both by the token (never the token),
lasts twelve hours, ends for good when the browser says so, and counts only on this
origin's own requests.
"""

from __future__ import annotations

import hmac

from flask import Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from integral_mock.errors import Unauthorized
from integral_mock.integral.plumbing import sandbox
from integral_mock.pages.web import bp, page
from integral_mock.sandbox.access import SESSION_COOKIE, admin_sessions, same_origin


@bp.post("/__admin/session")
def open_session() -> BaseResponse:
    """Take the token from the form; a right one opens the dashboard (open to all: see access)."""
    token = sandbox().config.admin_token
    given = request.form.get("token", "")
    if token and not (same_origin() and hmac.compare_digest(given.encode(), token.encode())):
        return page("refused.html", 401, message="That is not the admin token", wants_token=True)
    answer = redirect(url_for("pages.dashboard"), 303)
    if token:
        answer.set_cookie(
            SESSION_COOKIE,
            admin_sessions().open(token),
            httponly=True,
            samesite="Strict",
            secure=request.is_secure,
            path="/__admin",
        )
    return answer


@bp.post("/__admin/session/end")
def end_session() -> BaseResponse:
    """End this browser's session: its cookie, and any copy of it, counts no more."""
    if cookie := request.cookies.get(SESSION_COOKIE):
        admin_sessions().end(cookie)
    answer = redirect(url_for("pages.dashboard"), 303)
    answer.delete_cookie(SESSION_COOKIE, path="/__admin", httponly=True, samesite="Strict")
    return answer


@bp.errorhandler(Unauthorized)
def refused(error: Unauthorized) -> Response:
    """A page the guard refused: the token form, or why only this machine may look."""
    if sandbox().config.admin_token:  # the guard's words are for scripts; a person gets the form
        return page("refused.html", 401, message=None, wants_token=True)
    return page("refused.html", 401, message=error.message, wants_token=False)
