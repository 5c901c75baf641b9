"""Sandbox controls of one app, and the WSGI layer that applies faults and keeps the journal.

The layer wraps the Flask app: for each request outside /__admin it plans the faults, runs
them around the app, and records the request and its answer. It works on the WSGI environ,
below Flask, because a network fault has to act on the connection itself.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Request, Response

from integral_mock.clock import Clock, ManualClock
from integral_mock.config import Config
from integral_mock.errors import BadRequest, SandboxError
from integral_mock.exchange.orders.fate import Fate
from integral_mock.exchange.venue import Venue
from integral_mock.integral import plumbing
from integral_mock.sandbox.admin_sessions import AdminSessions
from integral_mock.sandbox.fault_rules import FaultRules
from integral_mock.sandbox.faults import FORCED_ERROR, Call, Chain, Error, Fault
from integral_mock.sandbox.journal import Journal
from integral_mock.sandbox.journal_entry import LOGIN_PATH, entry
from integral_mock.sandbox.outcomes import Outcomes, fate_from_headers
from integral_mock.sandbox.partition import reset_store
from integral_mock.store import StoreUnavailable

log = logging.getLogger("integral_mock")
Sleeper = Callable[[float], None]
StartResponse = Callable[..., Any]
# Never faulted, never journaled: the control API, the spec, and the pages for people.
UNCONTROLLED = ("/__admin", "/openapi.json", "/docs", "/assets/")
UNCONTROLLED_EXACT = frozenset({"/"})  # the landing page (every path starts with "/")
OUTCOME_HEADERS = ("X-Sandbox-Outcome", "X-Sandbox-Fill-Delay-Ms", "X-Sandbox-Progression")


@dataclass
class Controls:
    """Everything that steers one sandbox app: faults, outcomes, journal, sleeper."""

    config: Config
    clock: Clock
    venue: Venue
    outcomes: Outcomes
    faults: FaultRules
    journal: Journal
    sleep: Sleeper
    admin_sessions: AdminSessions

    def reset(self, org: str | None = None, *, sessions: bool = False) -> dict[str, Any]:
        """Forget one org's state (orders, quotes, rules, journal), or everyone's.

        A full reset also restarts every random sequence from the current seed, so the same
        requests after it get the same prices, ids and faults; an org's reset leaves the
        sequences alone, as other orgs may be mid-run.
        """
        # One step, with no other transaction of any worker or replica beside it.
        with self.venue.store.transaction(whole_venue=True):
            removed: dict[str, Any] = reset_store(self.venue.store, org, sessions=sessions)
            removed["faultRules"] = self.faults.rules.clear(org)
            removed["outcomeRules"] = self.outcomes.rules.clear(org)
            removed["journal"] = self.journal.clear(org)
            if org is None:
                self.reseed(self.venue.seed)
        if org is None:
            self.faults.release_hangs()
            # Stamped again once they are let go: the entry of a hang that began between the
            # clear and the release is not read after the reset either.
            self.journal.stamp_clear(None)
        return removed

    def reseed(self, seed: int) -> None:
        """Every seeded stream (the venue's, the faults', the outcomes') starts again."""
        self.venue.reseed(seed)

    def order_directive(self) -> Fate | None:
        """What the current request's X-Sandbox-* headers force on its order (None: nothing)."""
        if not self.config.sandbox_headers:
            return None
        values = [request.headers.get(name) for name in OUTCOME_HEADERS]
        return fate_from_headers(*values) if any(values) else None


def controls_of(app: Flask) -> Controls:
    found: Controls = plumbing.sandbox_of(app).controls
    return found


def controls() -> Controls:
    """The controls of the current Flask app."""
    found: Controls = plumbing.sandbox().controls
    return found


def advance(clock: ManualClock, ms: int) -> None:
    """Move the manual clock on, or 400 naming `ms` if that would take it past the calendar."""
    try:
        clock.advance(ms)
    except ValueError as exc:
        raise BadRequest(f"ms: {exc}", fields=[{"field": "ms", "message": str(exc)}]) from None


def _render_forced_error() -> Response | None:
    """An Error fault's answer, made here so it passes the app's own finishing."""
    error = request.environ.get(FORCED_ERROR)
    if not isinstance(error, Error):
        return None
    fields = [{"field": "X-Sandbox-*", "message": error.text}] if error.status == 400 else None
    response = plumbing.error_response(error.status, error.code, error.text, fields)
    if error.status in (429, 503):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


class ControlLayer:
    """WSGI middleware around the Flask app: faults around each request, then the journal."""

    def __init__(
        self, app: Callable[..., Iterable[bytes]], controls: Controls, state: plumbing.Sandbox
    ) -> None:
        self.app = app
        self.controls = controls
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(UNCONTROLLED) or path in UNCONTROLLED_EXACT:
            return self.app(environ, start_response)
        c = self.controls
        body = _buffer_body(environ, c.config.max_body_bytes)
        req = Request(environ, populate_request=False)
        org = self._org(req, body)
        call = Call(environ, c.sleep, c.faults.hang_latch, c.config.hang_ms)
        try:
            started, at_ms = time.perf_counter(), c.clock.now_ms()
        except Exception:  # a stored (manual) clock out of reach: no faults, no journal; the
            log.warning("the clock of %s %s cannot be read", req.method, req.path)
            return self.app(environ, start_response)  # app meets it too, and answers for it
        wall_ns = c.journal.wall.now_ns()  # the real moment, whatever the sandbox's clock
        response: Response | None = None
        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:  # once: before a drop, or else when the answer is ready
                recorded = True
                duration = round((time.perf_counter() - started) * 1000, 3)
                moments = (at_ms, wall_ns // 1_000_000)
                try:
                    made = entry(req, body, org, moments, call, response, duration)
                    c.journal.record(made, wall_ns)
                except Exception as exc:  # the answer stands; only its journal entry is lost
                    log.warning("%s %s not journaled: %s", req.method, req.path, exc)

        call.before_drop = record
        try:
            fault = self._plan(req, org)
            response = fault(call, lambda: Response.from_app(self.app, environ, buffered=True))
            return response(environ, start_response)
        finally:
            record()

    def _plan(self, req: Request, org: str | None) -> Fault:
        """The request's faults; a fault in planning them is answered like any 500, as JSON."""
        try:
            return self.controls.faults.plan(req.method, req.path, org, req.headers)
        except StoreUnavailable:  # no faults then: the app meets the outage too, and says 503
            return Chain(())
        except Exception:  # below Flask, nothing else would turn this into the error object
            log.exception("planning the faults of %s %s failed", req.method, req.path)
            return Error(500, "The sandbox failed to plan this request's faults")

    def _org(self, req: Request, body: bytes | None) -> str | None:
        try:
            return self._acting_org(req, body)
        except StoreUnavailable:  # the view meets it too, and answers 503
            return None
        except Exception:  # the view resolves the caller again, and answers for it
            log.exception("finding the org of %s %s failed", req.method, req.path)
            return None

    def _acting_org(self, req: Request, body: bytes | None) -> str | None:
        """The org the request acts for: its caller's, or the one a login names."""
        if req.path == LOGIN_PATH:
            try:
                org = json.loads(body or b"").get("org")
            except (ValueError, AttributeError, RecursionError):  # the app answers 400 for these
                return None
            return org if isinstance(org, str) else None
        if body is None and (req.content_length or "transfer-encoding" in req.headers):
            # A body this layer did not read (too large, or chunked): a signature is verified
            # against the body the view reads, so the view resolves the caller itself.
            return None
        caller = plumbing.resolve_caller(self.state, req, body or b"")
        if not isinstance(caller, SandboxError):
            return caller.org
        # Still the org's traffic: a call with an expired token, or (wrongly) with its token
        # in the URL, is what client conformance rules judge that org by.
        token = plumbing.presented_token(req)
        return self.controls.venue.sessions.owner(token or _token_in_url(req))


def _token_in_url(req: Request) -> str | None:
    """A token a client put in the query string (never honoured, only attributed)."""
    found = [v for k, v in req.args.items() if k.lower() in ("sso_token", "token")]
    return found[0] if found else None


def _buffer_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """Read a body of known, allowed length once and put it back for the app to read."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0 or length > limit:
        return None  # absent, or the app will answer 413 without reading it
    data: bytes = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(data)
    return data


def init_app(app: Flask, controls: Controls) -> None:
    app.before_request(_render_forced_error)
    state = plumbing.sandbox_of(app)
    app.wsgi_app = ControlLayer(app.wsgi_app, controls, state)  # type: ignore[method-assign]
