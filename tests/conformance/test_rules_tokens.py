"""token-reuse and token-renewal on synthetic journal entries."""

from __future__ import annotations

import pytest

from tests.conformance.journal import Traffic, verdict


def test_login_per_call_fails_token_reuse() -> None:
    t = Traffic()
    for i in range(4):
        t.login(i * 100)
        t.poll(i * 100 + 50)
    j = verdict("token-reuse", t)
    assert j.verdict == "fail"
    assert "4 logins for 4 calls" in j.detail
    assert verdict("token-reuse", Traffic().happy()).verdict == "pass"


def test_logging_in_again_as_the_token_nears_its_end_is_not_needless() -> None:
    t = Traffic()  # 1 s tokens, a poll a second: a login at 0.7 s of each token's life
    for i in range(4):
        t.login(i * 700, expiry_in=1000)
        t.poll(i * 700 + 50)
    j = verdict("token-reuse", t)
    assert (j.verdict, j.detail) == (
        "pass",
        "4 login(s) for 4 calls, 3 of them as its token neared its end or was refused",
    )
    early = Traffic()  # the same, but each login at 0.3 s of a token's life: needless
    for i in range(4):
        early.login(i * 300, expiry_in=1000)
        early.poll(i * 300 + 50)
    assert verdict("token-reuse", early).detail == "4 logins for 4 calls (1.0 calls per login)"


def test_a_login_after_a_refused_token_is_due() -> None:
    t = Traffic()
    for i in range(4):
        t.login(i * 100)
        t.add(i * 100 + 50, "GET", "/v2/orders/7", 401, answer={"errorCode": "TOKEN_EXPIRED"})
    assert verdict("token-reuse", t).verdict == "pass"


def expired(then: str) -> Traffic:
    t = Traffic()
    t.login(0, expiry_in=1000)
    t.poll(1500, status=401)
    t.entries[-1]["response"]["body"] = {"errorCode": "TOKEN_EXPIRED"}
    if then == "relogin":
        t.login(1510)
        t.poll(1520, state="FILLED")
    elif then == "same-token":
        t.poll(1600, status=401)
        t.entries[-1]["response"]["body"] = {"errorCode": "TOKEN_EXPIRED"}
    elif then in ("loop", "loop-then-stop"):
        t.login(1510, expiry_in=0)
        t.poll(1520, status=401)
        t.entries[-1]["response"]["body"] = {"errorCode": "TOKEN_EXPIRED"}
        if then == "loop":
            t.login(1530, expiry_in=0)
    return t


@pytest.mark.parametrize(
    ("then", "expected"),
    [("relogin", "pass"), ("same-token", "fail"), ("loop", "fail"), ("nothing", "fail")],
)
def test_token_renewal_after_a_refused_token(then: str, expected: str) -> None:
    assert verdict("token-renewal", expired(then)).verdict == expected


def test_stopping_at_a_refused_token_fails_token_renewal() -> None:
    j = verdict("token-renewal", expired("nothing"))
    assert j.detail == "stopped after its token was refused: it neither logged in again nor renewed"
    # Logging in, then sending the old token again and stopping, is the loop, not "neither".
    loop = verdict("token-renewal", expired("loop-then-stop"))
    assert loop.detail == "refused again right after re-authenticating (is the new token sent?)"


def test_logging_in_again_ahead_of_expiry_passes_token_renewal() -> None:
    t = Traffic()
    t.login(0, expiry_in=1000)
    t.login(800, expiry_in=1000)
    t.poll(1500)
    assert (
        verdict("token-renewal", t).detail == "never refused: outlived its first token (2 login(s))"
    )


def test_renewing_ahead_of_expiry_passes_token_renewal() -> None:
    t = Traffic()
    t.login(0, expiry_in=1000)
    t.add(500, "GET", "/v2/sso/token/renew", answer={"expiryTime": 1_002_000})
    t.poll(1500)
    assert verdict("token-renewal", t).verdict == "pass"


def renewing(every_ms: int, expiry_in: int = 1000) -> Traffic:
    """A login, then per call a renewal `every_ms` after the token before it was issued."""
    t = Traffic()
    t.login(0, expiry_in=expiry_in)
    for i in range(1, 5):
        at = i * every_ms
        answer = {"expiryTime": 1_000_000 + at + expiry_in, "serverUTCTime": 1_000_000 + at}
        t.add(at, "GET", "/v2/sso/token/renew", answer=answer)
        t.poll(at + 5)
    return t


def test_renewing_before_every_call_fails_token_reuse_as_a_login_per_call_does() -> None:
    j = verdict("token-reuse", renewing(every_ms=10))  # each renewal throws a fresh token away
    assert (j.verdict, j.detail) == (
        "fail",
        "1 login and 4 renewal(s) of a fresh token for 4 calls (0.8 calls per token)",
    )
    assert [e.note for e in j.evidence] == ["login", *["renewal"] * 4]
    # Renewing a third of the way through a token's life is early, but a schedule, not waste.
    assert verdict("token-reuse", renewing(every_ms=340)).verdict == "pass"
