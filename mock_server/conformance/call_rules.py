"""Rules about calls of any kind: retries and backoff, tokens, request hygiene."""

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


def token_reuse(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """A token is reused: not one login per call (a login for a token near its end is due)."""
    logins = [e for e in entries if traffic.is_login(e) and e["status"] == 200]
    calls = [e for e in entries if not traffic.is_login(e)]
    if not logins or not calls:
        return Judgment.unexercised("no login followed by calls")
    early = [e for e in logins[1:] if _replaced_a_fresh_token(entries, e)]
    counted = 1 + len(early)
    per_login = len(calls) / counted
    if counted >= settings.token_reuse_min_logins and per_login < settings.min_calls_per_login:
        note = f"{counted} logins for {len(calls)} calls ({per_login:.1f} calls per login)"
        if counted < len(logins):
            note += f", not counting {len(logins) - counted} made as a token neared its end"
        return Judgment.failed(note, [Evidence.of(e, "login") for e in [logins[0], *early]])
    due = len(logins) - counted
    renewed = f", {due} of them as its token neared its end or was refused" if due else ""
    return Judgment.passed(f"{len(logins)} login(s) for {len(calls)} calls{renewed}")


def _replaced_a_fresh_token(entries: Sequence[Entry], login: Entry) -> bool:
    """Whether a login came while the token before it was unrefused with half its life left.

    Logging in again as a token nears its expiryTime is what the API asks (renew or log in
    before it runs out); only a login that throws a good token away is needless.
    """
    before = [e for e in entries if e["id"] < login["id"]]
    issued = next((e for e in reversed(before) if _issued_token(e)), None)
    if issued is None:
        return True
    answer = traffic.answer(issued) or {}
    expiry = answer["expiryTime"]
    start = answer.get("serverUTCTime")
    start = start if isinstance(start, int) else issued["time"]
    if any(_token_refused(e) for e in before if e["id"] > issued["id"]):
        return False
    return bool(expiry - login["time"] > (expiry - start) / 2)


def _issued_token(entry: Entry) -> bool:
    """A login or renewal that answered a token and when it expires."""
    answer = traffic.answer(entry) or {}
    issuing = traffic.is_login(entry) or traffic.is_renew(entry)
    return issuing and entry["status"] == 200 and isinstance(answer.get("expiryTime"), int)


def token_renewal(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Renews before expiry, or after a 401 logs in (or renews) once and retries; never loops."""
    refused = [e for e in entries if _token_refused(e)]
    renewals = [e for e in entries if traffic.is_renew(e)]
    if not refused and not renewals and not _outlived_token(entries):
        return Judgment.unexercised("no token expired or was renewed while the client worked")
    for entry in refused:
        nxt = next((e for e in entries if e["id"] > entry["id"]), None)
        if nxt is not None and not (traffic.is_login(nxt) or traffic.is_renew(nxt)):
            evidence = [Evidence.of(entry, "token refused"), Evidence.of(nxt, "same token again")]
            return Judgment.failed("called again with a refused token", evidence)
    for first, second in zip(refused, refused[1:], strict=False):
        between = [e for e in entries if first["id"] < e["id"] < second["id"]]
        if all(traffic.is_login(e) or traffic.is_renew(e) for e in between):
            evidence = [Evidence.of(e, "token refused") for e in (first, second)]
            evidence[1:1] = [Evidence.of(e, "re-authenticated") for e in between]
            note = "refused again right after re-authenticating (is the new token sent?)"
            return Judgment.failed(note, evidence)
    if refused and refused[-1] is entries[-1]:
        evidence = [Evidence.of(refused[-1], "token refused; nothing was sent after it")]
        note = "stopped after its token was refused: it neither logged in again nor renewed"
        return Judgment.failed(note, evidence)
    if refused:
        return Judgment.passed(f"recovered from {len(refused)} refused token(s)")
    if renewals:
        return Judgment.passed(f"renewed {len(renewals)} time(s) before expiry")
    logins = sum(1 for e in entries if traffic.is_login(e) and e["status"] == 200)
    return Judgment.passed(f"never refused: outlived its first token ({logins} login(s))")


def _token_refused(entry: Entry) -> bool:
    body = traffic.answer(entry) or {}
    return entry["status"] == 401 and body.get("errorCode") in traffic.TOKEN_ERRORS


def _outlived_token(entries: Sequence[Entry]) -> bool:
    """Whether the client kept calling past the expiry its first login announced."""
    login = next((e for e in entries if traffic.is_login(e) and traffic.answer(e)), None)
    expiry = (traffic.answer(login) or {}).get("expiryTime") if login else None
    return isinstance(expiry, int) and any(e["time"] >= expiry for e in entries)


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
