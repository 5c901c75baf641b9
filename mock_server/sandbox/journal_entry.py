"""One exchange as the journal shows it: when, who, what was asked and what was answered."""

from __future__ import annotations

import os
from typing import Any

from werkzeug.wrappers import Request, Response

from integral_mock.integral import plumbing
from integral_mock.sandbox.faults import Call
from integral_mock.sandbox.redaction import (
    redact_answer,
    redact_body,
    redact_headers,
    redact_query,
)

# The faults that rewrite an answer's bytes: what they leave is not the app's JSON.
REWRITING = frozenset({"garbage", "truncated"})

LOGIN_PATH = "/v2/sso/login"


def entry(
    req: Request,
    body: bytes | None,
    org: str | None,
    moments: tuple[int, int],
    call: Call,
    response: Response | None,
    duration_ms: float,
) -> dict[str, Any]:
    """The journal entry of one request; secrets (passwords, tokens) redacted."""
    answer = response if response is not None else call.undelivered
    buffered = answer is not None and answer.is_sequence  # a truncated body must not be read
    request_id = (answer.headers if answer else req.headers).get(plumbing.REQUEST_ID)
    return {
        "time": moments[0],
        "wallTime": moments[1],
        "requestId": request_id,
        "worker": os.getpid(),  # which `serve --workers N` process answered
        "org": org,
        "method": req.method,
        "path": req.path,
        "query": redact_query(req.query_string.decode("latin-1")),
        "status": answer.status_code if answer else None,
        "delivered": response is not None and "truncated" not in call.acted,
        "fault": call.acted[0] if call.acted else None,
        "latencyMs": call.latency_ms,
        "durationMs": duration_ms,
        "request": {
            "headers": redact_headers(req.headers.items()),
            "body": redact_body(body, credentials=req.path == LOGIN_PATH),
        },
        "response": {
            "headers": redact_headers(answer.headers.items()) if answer else {},
            "body": _answer_body(answer, call) if answer and buffered else None,
        },
    }


def _answer_body(answer: Response, call: Call) -> Any:
    as_written = REWRITING.isdisjoint(call.acted)
    return redact_answer(answer.get_data(), answer.mimetype or "", as_written=as_written)
