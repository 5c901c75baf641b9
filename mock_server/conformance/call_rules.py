"""Rules about calls of any kind: retries and backoff, request hygiene."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from integral_mock.conformance import traffic
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, Evidence, Judgment
from integral_mock.sandbox.redaction import SECRET_FIELDS, SECRET_WORDS


def retry_after(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Nothing goes to an operation that answered 429/503 with Retry-After before it passed."""
    asked = [(e, ms) for e in entries if (ms := traffic.retry_after_ms(e)) is not None]
    if not asked:
        return Judgment.unexercised("no answer carried Retry-After")
    waited = 0
    for refused, wait_ms in asked:
        op = traffic.limited_as(refused)
        nxt = next(
            (e for e in entries if e["id"] > refused["id"] and traffic.limited_as(e) == op), None
        )
        if nxt is None:
            continue
        waited += 1
        early = (
            traffic.wall_ms(refused)
            + wait_ms
            - settings.retry_after_slack_ms
            - traffic.wall_ms(nxt)
        )
        if early > 0:
            evidence = [
                Evidence.of(refused, f"Retry-After: {wait_ms // 1000} s"),
                Evidence.of(nxt, f"sent {early + settings.retry_after_slack_ms} ms too early"),
            ]
            return Judgment.failed(f"{op} called again before its Retry-After passed", evidence)
    if not waited:  # nothing to judge the wait by: the client never called again
        return Judgment.unexercised(f"no call followed the {len(asked)} Retry-After(s)")
    return Judgment.passed(f"waited out {waited} Retry-After(s)")


def backoff(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Retries after failures are paced (not one after another at once) and end within a bound."""
    by_op: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_op[traffic.operation(entry)].append(entry)
    found = [c for calls in by_op.values() for c in _failure_chains(calls)]
    if not found:
        return Judgment.unexercised("no call failed (5xx, 429 or no answer)")
    # A failure never tried again shows no spacing; only its count can break the bound.
    chains = [c for c in found if len(c) > 1 or len(c) > settings.max_consecutive_failures]
    if not chains:
        return Judgment.unexercised(f"{len(found)} failed call(s), none tried again")
    for chain in chains:
        failures = [e for e in chain if traffic.failed(e)]
        if len(failures) > settings.max_consecutive_failures:
            note = (
                f"{len(failures)} failures in a row (at most {settings.max_consecutive_failures})"
            )
            return Judgment.failed(note, [Evidence.of(e, "failed") for e in failures])
        if problem := _too_quick(chain, settings.min_retry_gap_ms):
            return problem
    return Judgment.passed(f"{len(chains)} retry sequence(s), paced and bounded")


def _too_quick(chain: list[Entry], min_gap_ms: int) -> Judgment | None:
    """A chain whose retries keep coming at once: the k-th comes sooner than (k - 1) ×
    min_gap_ms after the chain began.

    Judged on the time spent, not gap by gap: full jitter (AWS's "Exponential Backoff And
    Jitter") draws each wait anywhere in [0, cap·2^n], and urllib3 retries once at once, so
    one short gap, or one shorter than the gap before, is no fault; retries that go on coming
    quickly are. A wait that Retry-After imposed is the server's, not the client's pacing:
    the count starts again after it.
    """
    start, count = 0, 0
    for n in range(1, len(chain)):
        if traffic.retry_after_ms(chain[n - 1]):
            start, count = n, 0
            continue
        count += 1
        spent = traffic.wall_ms(chain[n]) - traffic.wall_ms(chain[start])
        if spent < (count - 1) * min_gap_ms:
            note = (
                f"{count} retries within {spent} ms: after the first, "
                f"less than {min_gap_ms} ms apart on average"
            )
            tried = chain[start : n + 1]
            evidence = [Evidence.of(e, "failed" if traffic.failed(e) else "tried") for e in tried]
            return Judgment.failed(note, evidence)
    return None


def _failure_chains(calls: list[Entry]) -> list[list[Entry]]:
    """Runs of consecutive failures of one operation, with the attempt that followed them."""
    chains: list[list[Entry]] = []
    current: list[Entry] = []
    for call in calls:
        if current:
            current.append(call)
        if traffic.failed(call):
            current = current or [call]
            continue
        if current:
            chains.append(current)
            current = []
    return chains + ([current] if current else [])


def json_requests(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Bodies go as application/json; the token as the SSO_TOKEN header or cookie, not the URL."""
    if not entries:
        return Judgment.unexercised("no requests")
    for entry in entries:
        problem = _hygiene_problem(entry)
        if problem:
            return Judgment.failed(problem, [Evidence.of(entry, problem)])
    return Judgment.passed(f"{len(entries)} requests, all well formed")


def _hygiene_problem(entry: Entry) -> str | None:
    sent = traffic.headers(entry)
    keys = [k.lower() for k in traffic.query(entry)]
    if any(k in ("sso_token", "token") for k in keys):
        return "the token was sent in the URL"
    if secret := next((k for k in keys if _is_secret(k)), None):
        # A URL is logged by every proxy and server on the way: a password there is leaked.
        return f"a secret ({secret}) was sent in the URL"
    has_body = entry["request"]["body"] is not None or int(sent.get("content_length") or 0) > 0
    mime = sent.get("content_type", "").split(";")[0].strip().lower()
    if has_body and mime != "application/json":
        return f"a body sent as {mime or 'no Content-Type'}, not application/json"
    body = entry["request"]["body"]
    if isinstance(body, str):  # the journal keeps a body that does not parse as its text
        return f"a body sent as application/json that is not a JSON object: {body[:40]!r}"
    authed = {"sso_token", "cookie", "authorization"} & sent.keys()
    if not traffic.is_login(entry) and not authed:
        return "no SSO_TOKEN header or cookie"
    return None


def _is_secret(key: str) -> bool:
    """A credential's name, as the journal's redaction knows them (pass, password, apiSecret…)."""
    return key in SECRET_FIELDS or any(word in key for word in SECRET_WORDS)


def request_id(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Every request carries an X-Request-ID of its own (a retry may repeat its request's)."""
    if not entries:
        return Judgment.unexercised("no requests")
    seen: dict[str, Entry] = {}
    for entry in entries:
        given = traffic.headers(entry).get("x_request_id")
        if not given:
            return Judgment.failed("a request without X-Request-ID", [Evidence.of(entry, "no id")])
        earlier = seen.get(given)
        retry = earlier is not None and traffic.operation(earlier) == traffic.operation(entry)
        if earlier is not None and not (retry and _unanswered(earlier)):
            evidence = [Evidence.of(earlier, "first use"), Evidence.of(entry, "same id again")]
            return Judgment.failed(f"X-Request-ID {given!r} used by two requests", evidence)
        seen[given] = entry
    return Judgment.passed(f"{len(entries)} requests, each with its own id")


def _unanswered(entry: Entry) -> bool:
    """A request the client may send again under the same id: it got no usable answer."""
    return traffic.failed(entry) or entry["status"] == 401
