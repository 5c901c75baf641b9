"""Flask plumbing every view shares: request ids, tokens, validation, and the error handler."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request

from integral_mock.clock import Clock
from integral_mock.config import Config
from integral_mock.errors import SandboxError, ServiceUnavailable, error_body
from integral_mock.exchange import hmac_auth
from integral_mock.exchange.orders.fate import Fate
from integral_mock.exchange.sessions import Principal
from integral_mock.exchange.venue import Venue
from integral_mock.integral.spec import SpecValidator
from integral_mock.integral.streamed_body import read_streamed_body
from integral_mock.store import StoreUnavailable

log = logging.getLogger("integral_mock")

TOKEN_NAME = "SSO_TOKEN"
REQUEST_ID = "X-Request-ID"
INTEGRAL_BLUEPRINT = "integral"

_HTTP_CODES = {
    400: "INVALID_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}

# Where a request's caller, once resolved, is kept: in its WSGI environ, which every layer shares.
CALLER = "integral-mock.caller"


def _nothing_forced() -> Fate | None:
    return None


@dataclass(frozen=True)
class Sandbox:
    """Everything one app owns, reachable from a view as `sandbox()`: the one state object."""

    config: Config
    clock: Clock
    venue: Venue
    validator: SpecValidator
    # The sandbox controls (sandbox/controls.py), wired in by app.py; opaque to Integral's views.
    controls: Any = None
    # What the current request's X-Sandbox-* headers force on its order, if anything.
    directive: Callable[[], Fate | None] = _nothing_forced


def sandbox() -> Sandbox:
    found: Sandbox = current_app.extensions["integral-mock"]
    return found


def sandbox_of(app: Flask) -> Sandbox:
    found: Sandbox = app.extensions["integral-mock"]
    return found


def presented_token(req: Request | None = None) -> str | None:
    """The token from the SSO_TOKEN header (what code samples send) or cookie (tutorials).

    Of the current request, or of `req` (the control layer reads it below Flask).
    """
    req = request if req is None else req
    return req.headers.get(TOKEN_NAME) or req.cookies.get(TOKEN_NAME)


def resolve_caller(state: Sandbox, req: Request, body: bytes | None) -> Principal | SandboxError:
    """Who sent `req`, by HMAC signature or token, or why not; resolved once per request.

    The control layer asks first (for the journal and the rules), the view later: both get
    the same answer, kept in the environ. `body` is the request's body, as HMAC signs it.
    """
    cached: Principal | SandboxError | None = req.environ.get(CALLER)
    if cached is None:
        try:
            cached = _caller(state, req, body)
        except SandboxError as exc:
            cached = exc
        req.environ[CALLER] = cached
    return cached


def _caller(state: Sandbox, req: Request, body: bytes | None) -> Principal:
    now = state.clock.now_ms()
    headers = hmac_auth.lowercase(req.headers.items())
    if hmac_auth.is_hmac_request(headers):
        signed = req.get_data(cache=True) if body is None else body
        user = hmac_auth.verify(state.config, headers, _request_lines(req), signed, now)
        return Principal(user.user, user.org, user.trading)
    return state.venue.sessions.authenticate(presented_token(req), now)


def authenticate() -> Principal:
    """The caller, or 401. Called before validating: 401 before 400.

    A signed request's signature is spent here, where the operation runs, not where the
    caller is first resolved: a request a fault answered instead may be sent again as is.
    """
    s = sandbox()
    found = resolve_caller(s, request, None)
    if isinstance(found, SandboxError):
        raise found
    headers = hmac_auth.lowercase(request.headers.items())
    if hmac_auth.is_hmac_request(headers):
        signature = hmac_auth.signature_of(headers)
        s.venue.replays.admit(found.org, request.method, signature, s.clock.now_ms())
    g.principal = found
    return found


def _request_lines(req: Request) -> tuple[str, ...]:
    """`METHOD path?query VERSION` as sent (still URL-encoded), in the client's version and
    in HTTP/1.1, which a proxy (nginx speaks 1.0 upstream) may have changed."""
    sent = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if not sent:  # a WSGI server that keeps neither: rebuild the encoded form
        query = req.query_string.decode("latin-1")
        sent = quote(req.path, safe="/") + (f"?{query}" if query else "")
    versions = dict.fromkeys((req.environ.get("SERVER_PROTOCOL", "HTTP/1.1"), "HTTP/1.1"))
    return tuple(f"{req.method} {sent} {version}" for version in versions)


def validated() -> tuple[dict[str, Any], Any]:  # (query, body), checked against the spec
    return sandbox().validator.validate_request(request)


def error_response(status: int, code: str, message: str, fields: Any = None) -> Response:
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    return response


def _handle_sandbox_error(exc: SandboxError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "INVALID_REQUEST")
    message = {
        404: f"No such resource: {request.method} {request.path}",
        405: f"{request.method} is not allowed on {request.path}",
        413: f"The body is larger than {sandbox().config.max_body_bytes} bytes",
    }.get(status, exc.description or exc.name)
    response = error_response(status, code, message)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(_allowed(list(exc.valid_methods)))
    return response


def _allowed(methods: list[str]) -> list[str]:
    """A 405's Allow: on Integral's routes the spec's methods only, not the HEAD Werkzeug adds
    to every GET (it answers 405 there, see _refuse_head); a 405 matched no rule, so the route's
    blueprint is found by matching the path again with a method it allows."""
    adapter = current_app.create_url_adapter(request)
    if adapter is not None:
        rule, _ = adapter.match(method=methods[0], return_rule=True)
        if rule.endpoint.startswith(f"{INTEGRAL_BLUEPRINT}."):
            methods = [m for m in methods if m != "HEAD"]
    return sorted(methods)


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    if isinstance(exc, StoreUnavailable):
        return store_unavailable()
    log.exception("unexpected error in request %s", g.get("request_id"))
    return error_response(
        500, "INTERNAL_ERROR", f"Unexpected server error; request id {g.get('request_id')}"
    )


def store_unavailable() -> Response:
    """503 with Retry-After: the database went out of reach (a replica's PostgreSQL down)."""
    log.warning("the database is out of reach (request %s)", g.get("request_id"))
    response = _handle_sandbox_error(ServiceUnavailable())
    response.headers["Retry-After"] = "1"
    return response


def _assign_request_id() -> None:
    # The client's id, unless it has a line break (only an in-process caller can send one).
    sent = request.headers.get(REQUEST_ID, "")
    g.request_id = sent if sent and "\r" not in sent and "\n" not in sent else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID] = g.get("request_id") or uuid.uuid4().hex
    if sandbox().config.validate_responses and _is_spec_operation():
        response = _checked_against_spec(response)
    return response


def _refuse_head() -> None:
    """The spec declares no HEAD (Werkzeug adds it to every GET): 405 with Allow, like OPTIONS."""
    if request.method != "HEAD" or request.blueprint != INTEGRAL_BLUEPRINT:
        return
    adapter = current_app.create_url_adapter(request)
    raise MethodNotAllowed(valid_methods=adapter.allowed_methods() if adapter else ())


def _is_spec_operation() -> bool:
    in_spec = request.blueprint == INTEGRAL_BLUEPRINT and request.url_rule is not None
    return in_spec and request.method != "HEAD"  # no HEAD operation to check the answer against


def _checked_against_spec(response: Response) -> Response:
    return checked_answer(sandbox().validator, response, "the spec")


def checked_answer(validator: SpecValidator, response: Response, document: str) -> Response:
    """With response validation on, an answer that breaks its spec becomes a loud 500."""
    problems = validator.response_errors(request, response)
    if not problems:
        return response
    log.error("answer breaks %s (%s %s): %s", document, request.method, request.path, problems)
    message = f"The sandbox's answer broke {document}: " + "; ".join(problems)
    broken = error_response(500, "RESPONSE_INVALID", message)
    if REQUEST_ID in response.headers:
        broken.headers[REQUEST_ID] = response.headers[REQUEST_ID]
    return broken


def init_app(app: Flask, state: Sandbox) -> None:
    app.extensions["integral-mock"] = state
    # Werkzeug answers `/v2//orders` with a 308 and an HTML page: an empty segment is no path
    # of the spec, a 404 as a trailing slash is. Every route, bound after this, takes it.
    app.url_map.merge_slashes = False
    app.before_request(_assign_request_id)
    app.before_request(read_streamed_body)
    app.before_request(_refuse_head)
    app.after_request(_finish)
    app.register_error_handler(SandboxError, _handle_sandbox_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
