"""The sandbox's own control API under /__admin (see openapi/sandbox.yaml)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, request

from integral_mock.clock import ManualClock, utc
from integral_mock.errors import NotFound, SandboxError, ServiceUnavailable
from integral_mock.exchange.orders.lists import DEFAULT_PAGE
from integral_mock.integral.plumbing import checked_answer, sandbox
from integral_mock.integral.spec import SpecValidator, load_document, shared_validator
from integral_mock.sandbox.access import PREFIX, guard
from integral_mock.sandbox.controls import advance, controls
from integral_mock.sandbox.fault_rules import FaultRule
from integral_mock.sandbox.outcomes import OutcomeRule
from integral_mock.sandbox.rules import Rule, RuleBook

log = logging.getLogger("integral_mock")

bp = Blueprint("admin", __name__, url_prefix=PREFIX)
SANDBOX_SPEC = "sandbox.yaml"


class ClockNotManual(SandboxError):
    status = 409
    code = "CLOCK_NOT_MANUAL"


def _finish(response: Response) -> Response:
    if not request.path.startswith(PREFIX):
        return response
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="integral-mock admin"'
    # A HEAD (a load balancer's probe of /health): no operation of sandbox.yaml to check.
    json_answer = request.url_rule is not None and response.mimetype == "application/json"
    checked = json_answer and request.method != "HEAD"
    if sandbox().config.validate_responses and checked:
        return checked_answer(_spec(), response, SANDBOX_SPEC)
    return response


def _spec() -> SpecValidator:
    """sandbox.yaml's validator, built on first use (most apps never see an admin call)."""
    return shared_validator(SANDBOX_SPEC)


def _validated() -> tuple[dict[str, Any], dict[str, Any]]:
    query, body = _spec().validate_request(request)
    return query, body if isinstance(body, dict) else {}


@bp.get("/health")
def health() -> Response:
    """Readiness probe: 200 once the app can answer, its database included (a load balancer
    takes a replica whose PostgreSQL is out of reach out of rotation: 503)."""
    if not sandbox().venue.store.reachable():
        raise ServiceUnavailable()
    return jsonify({"status": "OK", "time": sandbox().clock.now_ms()})


@bp.get("/openapi.json")
def spec() -> Response:
    return jsonify(load_document(SANDBOX_SPEC))


@bp.post("/reset")
def reset() -> Response:
    _, body = _validated()
    org = body.get("org")
    removed = controls().reset(org, sessions=bool(body.get("sessions")))
    return jsonify({"status": "OK", "org": org, "removed": removed})


@bp.get("/seed")
def get_seed() -> Response:
    return jsonify({"seed": controls().venue.seed})


@bp.post("/seed")
def set_seed() -> Response:
    _, body = _validated()
    controls().reseed(body["seed"])
    return get_seed()


@bp.get("/clock")
def clock() -> Response:
    now = sandbox().clock.now_ms()
    iso = utc(now).isoformat(timespec="milliseconds")
    mode = "manual" if isinstance(sandbox().clock, ManualClock) else "system"
    return jsonify({"mode": mode, "now": now, "iso": iso.replace("+00:00", "Z")})


@bp.post("/clock/advance")
def advance_clock() -> Response:
    _, body = _validated()
    manual = sandbox().clock
    if not isinstance(manual, ManualClock):
        raise ClockNotManual("The clock is the system clock; start with `--clock manual`")
    advance(manual, body["ms"])
    return clock()


@bp.get("/orders")
def orders() -> Response:
    """A page of orders; a `Link` header (rel="next") carries the query on from the last one."""
    query, _ = _validated()
    limit = int(query.get("limit", DEFAULT_PAGE))
    found, more = controls().venue.orders_of(
        query.get("org"),
        after=int(query["after"]) if "after" in query else None,
        limit=limit,
        status=query.get("status"),
        co_id=query.get("coId"),
        newest=query.get("order") == "newest",
    )
    response = jsonify(found)
    if more:
        following = {**request.args.to_dict(), "after": found[-1]["orderId"], "limit": limit}
        response.headers["Link"] = f'<{request.path}?{urlencode(following)}>; rel="next"'
    return response


@bp.get("/orgs/<org>")
def org_settings(org: str) -> Response:
    """One org's run-time settings (today: its token lifetime)."""
    _validated()
    if sandbox().config.find_org(org) is None:
        raise NotFound(f"Unknown org {org!r}", code="UNKNOWN_ORG")
    lifetime = controls().venue.sessions.token_lifetime_ms(org)
    return jsonify({"org": org, "tokenLifetimeMs": lifetime})


@bp.put("/orgs/<org>")
def set_org_settings(org: str) -> Response:
    """Override an org's token lifetime until it is reset; `null` goes back to the config's."""
    _, body = _validated()
    if sandbox().config.find_org(org) is None:
        raise NotFound(f"Unknown org {org!r}", code="UNKNOWN_ORG")
    controls().venue.sessions.set_token_lifetime_ms(org, body.get("tokenLifetimeMs"))
    return org_settings(org)


# -- rules: /faults and /outcomes answer alike ---------------------------------------------


def _list(book: RuleBook[Any]) -> Response:
    query, _ = _validated()
    return jsonify([rule.to_json() for rule in book.all(query.get("org"))])


def _add(book: RuleBook[Any], rule: Rule) -> Response:
    book.add(rule)
    response = jsonify(rule.to_json())
    response.status_code = 201
    return response


def _clear(book: RuleBook[Any]) -> Response:
    query, _ = _validated()
    return jsonify({"removed": book.clear(query.get("org"))})


def _remove(book: RuleBook[Any], kind: str, rule_id: int) -> Response:
    _validated()
    if not book.remove(rule_id):
        raise NotFound(f"No {kind} rule {rule_id}")
    return jsonify({"removed": 1})


@bp.get("/faults")
def list_faults() -> Response:
    return _list(controls().faults.rules)


@bp.post("/faults")
def add_fault() -> Response:
    return _add(controls().faults.rules, FaultRule.from_json(_validated()[1]))


@bp.delete("/faults")
def clear_faults() -> Response:
    controls().faults.release_hangs()  # and let go of any request a `hang` is holding
    return _clear(controls().faults.rules)


@bp.delete("/faults/<int:id>")
def remove_fault(id: int) -> Response:  # noqa: A002 - the spec names it `id`
    response = _remove(controls().faults.rules, "fault", id)  # 404 for no such rule
    controls().faults.release_hangs()  # only once a rule went: a typo lets nothing go
    return response


@bp.get("/outcomes")
def list_outcomes() -> Response:
    return _list(controls().outcomes.rules)


@bp.post("/outcomes")
def add_outcome() -> Response:
    return _add(controls().outcomes.rules, OutcomeRule.from_json(_validated()[1]))


@bp.delete("/outcomes")
def clear_outcomes() -> Response:
    return _clear(controls().outcomes.rules)


@bp.delete("/outcomes/<int:id>")
def remove_outcome(id: int) -> Response:  # noqa: A002 - the spec names it `id`
    return _remove(controls().outcomes.rules, "outcome", id)


# -- journal ------------------------------------------------------------------------------


@bp.get("/journal")
def journal() -> Response:
    query, _ = _validated()
    entries = controls().journal.entries(
        org=query.get("org"),
        method=query.get("method"),
        path=query.get("path"),
        status=int(query["status"]) if "status" in query else None,
        fault=query.get("fault"),
        request_id=query.get("requestId"),
        after=int(query["after"]) if "after" in query else None,
        limit=int(query["limit"]) if "limit" in query else None,
    )
    if query.get("format") == "ndjson":
        lines = "".join(json.dumps(entry) + "\n" for entry in entries)
        return Response(lines, 200, mimetype="application/x-ndjson")
    return jsonify(entries)


@bp.delete("/journal")
def clear_journal() -> Response:
    query, _ = _validated()
    return jsonify({"removed": controls().journal.clear(query.get("org"))})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(guard)
    app.after_request(_finish)
