"""retry-after and backoff on synthetic journal entries."""

from __future__ import annotations

from tests.conformance.journal import Traffic, verdict


def refused_then(retry_at: int) -> Traffic:
    t = Traffic()
    t.add(0, "GET", "/v2/rates/spot", 503, answer_headers={"Retry-After": "1"})
    t.quote(retry_at)
    return t


def test_retry_after_is_waited_out() -> None:
    assert verdict("retry-after", refused_then(1000)).verdict == "pass"
    j = verdict("retry-after", refused_then(400))
    assert j.verdict == "fail"
    assert "600 ms too early" in j.evidence[1].note


def test_retry_after_concerns_only_the_operation_that_answered_it() -> None:
    t = Traffic()
    t.add(0, "GET", "/v2/orders/7", 429, answer_headers={"Retry-After": "1"})
    t.quote(100)  # another operation: allowed
    t.poll(1000)
    assert verdict("retry-after", t).verdict == "pass"


def test_backoff_wants_growing_gaps_and_a_bound() -> None:
    growing, shrinking, hammering = Traffic(), Traffic(), Traffic()
    for t, times in (
        (growing, (0, 100, 300, 700)),
        (shrinking, (0, 400, 500)),
        (hammering, (0, 5)),
    ):
        for at in times[:-1]:
            t.poll(at, status=500)
        t.poll(times[-1])
    assert verdict("backoff", growing).verdict == "pass"
    assert verdict("backoff", shrinking).verdict == "fail"
    assert verdict("backoff", hammering).verdict == "fail"
    endless = Traffic()
    for i in range(10):
        endless.poll(i * 1000 * (i + 1), status=502)
    j = verdict("backoff", endless)
    assert j.verdict == "fail"
    assert "10 failures in a row" in j.detail


def test_a_lost_connection_counts_as_a_failure_for_backoff() -> None:
    t = Traffic()
    t.add(0, "GET", "/v2/orders/7", None, fault="reset")
    t.poll(3)
    assert verdict("backoff", t).verdict == "fail"


def test_a_failure_never_tried_again_exercises_neither_retry_after_nor_backoff() -> None:
    t = Traffic()
    t.place(0)
    t.add(100, "GET", "/v2/orders/7", 429, answer_headers={"Retry-After": "1"})
    assert verdict("retry-after", t).detail == "no call followed the 1 Retry-After(s)"
    assert verdict("backoff", t).detail == "1 failed call(s), none tried again"
    assert {verdict(r, t).verdict for r in ("retry-after", "backoff")} == {"not-exercised"}
