"""retry-after and backoff on synthetic journal entries."""

from __future__ import annotations

import pytest

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


def test_a_retry_after_on_the_spot_rate_holds_back_the_books_too() -> None:
    t = Traffic()
    t.add(0, "GET", "/v2/rates/spot", 503, answer_headers={"Retry-After": "1"})
    t.add(30, "GET", "/v2/rates/spot/FULL", query="symbol=EUR%2FUSD")
    j = verdict("retry-after", t)
    assert j.verdict == "fail"
    assert j.detail == "reads of rates called again before its Retry-After passed"


def test_backoff_wants_retries_paced_and_a_bound() -> None:
    growing, hammering = Traffic(), Traffic()
    for t, times in ((growing, (0, 100, 300, 700)), (hammering, (0, 5, 10))):
        for at in times[:-1]:
            t.poll(at, status=500)
        t.poll(times[-1])
    assert verdict("backoff", growing).verdict == "pass"
    j = verdict("backoff", hammering)
    assert (j.verdict, j.detail) == (
        "fail",
        "2 retries within 10 ms: after the first, less than 25 ms apart on average",
    )
    assert [e.note for e in j.evidence] == ["failed", "failed", "tried"]
    endless = Traffic()
    for i in range(10):
        endless.poll(i * 1000 * (i + 1), status=502)
    j = verdict("backoff", endless)
    assert j.verdict == "fail"
    assert "10 failures in a row" in j.detail


@pytest.mark.parametrize(
    "times",
    [
        (0, 2),  # urllib3's Retry: the first retry at once, then backoff_factor·2^n
        (0, 3, 180, 230, 900),  # full jitter: waits drawn in [0, 100·2^n], short and shrinking
        (0, 400, 500),  # a long draw, then a short one: no fault under full jitter
    ],
)
def test_a_jittered_or_at_once_first_retry_passes_backoff(times: tuple[int, ...]) -> None:
    t = Traffic()
    for at in times[:-1]:
        t.poll(at, status=500)
    t.poll(times[-1])
    assert verdict("backoff", t).verdict == "pass"


def test_a_wait_retry_after_imposed_starts_the_pace_again() -> None:
    t = Traffic()
    t.add(0, "GET", "/v2/rates/spot", 503, answer_headers={"Retry-After": "1"})
    t.add(1000, "GET", "/v2/rates/spot", 500)  # waited out; then at once, and at once again
    t.add(1001, "GET", "/v2/rates/spot", 500)
    t.quote(1002)
    assert verdict("backoff", t).detail.startswith("2 retries within 2 ms")
    waited = refused_then(1000)
    assert verdict("backoff", waited).verdict == "pass"


def test_a_lost_connection_counts_as_a_failure_for_backoff() -> None:
    t = Traffic()
    t.add(0, "GET", "/v2/orders/7", None, fault="reset")
    t.add(3, "GET", "/v2/orders/7", None, fault="reset")
    t.poll(6)
    assert verdict("backoff", t).verdict == "fail"


def test_a_failure_never_tried_again_exercises_neither_retry_after_nor_backoff() -> None:
    t = Traffic()
    t.place(0)
    t.add(100, "GET", "/v2/orders/7", 429, answer_headers={"Retry-After": "1"})
    assert verdict("retry-after", t).detail == "no call followed the 1 Retry-After(s)"
    assert verdict("backoff", t).detail == "1 failed call(s), none tried again"
    assert {verdict(r, t).verdict for r in ("retry-after", "backoff")} == {"not-exercised"}
