"""Rules about the token: reused, not replaced per call; renewed or replaced once refused."""

from __future__ import annotations

from collections.abc import Sequence

from integral_mock.conformance import traffic
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, Evidence, Judgment


def token_reuse(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """A token is reused: not a login (or a renewal) per call; one for a token near its end is
    due."""
    logins = [e for e in entries if traffic.is_login(e) and e["status"] == 200]
    renewals = [e for e in entries if traffic.is_renew(e) and e["status"] == 200]
    calls = [e for e in entries if not (traffic.is_login(e) or traffic.is_renew(e))]
    if not logins or not calls:
        return Judgment.unexercised("no login followed by calls")
    early = [e for e in logins[1:] if _replaced_a_fresh_token(entries, e, 0.5)]
    # A renewal is the API's way to go on, and clients schedule it early (a third of the way
    # through, say): only one that throws away nearly all of a fresh token is needless.
    early += [e for e in renewals if _replaced_a_fresh_token(entries, e, 0.75)]
    counted = 1 + len(early)
    per_login = len(calls) / counted
    if counted >= settings.token_reuse_min_logins and per_login < settings.min_calls_per_login:
        issued = [e for e in early if traffic.is_login(e)]
        n = 1 + len(issued)
        what, per = f"{n} login{'s' if n > 1 else ''}", "login"
        if thrown := len(early) - len(issued):
            what, per = f"{what} and {thrown} renewal(s) of a fresh token", "token"
        note = f"{what} for {len(calls)} calls ({per_login:.1f} calls per {per})"
        if 1 + len(issued) < len(logins):
            note += f", not counting {len(logins) - 1 - len(issued)} made as a token neared its end"
        needless = sorted([logins[0], *early], key=lambda e: int(e["id"]))
        kind = {True: "renewal", False: "login"}
        return Judgment.failed(note, [Evidence.of(e, kind[traffic.is_renew(e)]) for e in needless])
    due = len(logins) - 1 - sum(1 for e in early if traffic.is_login(e))
    due_note = f", {due} of them as its token neared its end or was refused" if due else ""
    also = f" and {len(renewals)} renewal(s)" if renewals else ""
    return Judgment.passed(f"{len(logins)} login(s){also} for {len(calls)} calls{due_note}")


def _replaced_a_fresh_token(entries: Sequence[Entry], issuing: Entry, fresh_share: float) -> bool:
    """Whether a login or renewal came while the token before it was unrefused with more than
    `fresh_share` of its life left.

    Logging in again as a token nears its expiryTime is what the API asks (renew or log in
    before it runs out); only one that throws a good token away is needless.
    """
    before = [e for e in entries if e["id"] < issuing["id"]]
    issued = next((e for e in reversed(before) if _issued_token(e)), None)
    if issued is None:
        return True
    answer = traffic.answer(issued) or {}
    expiry = answer["expiryTime"]
    start = answer.get("serverUTCTime")
    start = start if isinstance(start, int) else issued["time"]
    if any(_token_refused(e) for e in before if e["id"] > issued["id"]):
        return False
    return bool(expiry - issuing["time"] > (expiry - start) * fresh_share)


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
