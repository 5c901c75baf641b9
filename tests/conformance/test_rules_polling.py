"""poll-interval and stop-at-final on synthetic journal entries."""

from __future__ import annotations

from collections.abc import Callable

from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Judgment
from tests.conformance.journal import Traffic, verdict


def _ten_pass_eleven_fail(read: Callable[[Traffic, int], None]) -> Judgment:
    """Ten reads of one thing 90 ms apart pass poll-interval, eleven fail: the failing verdict."""
    for reads, expected in ((10, "pass"), (11, "fail")):
        t = Traffic()
        for i in range(reads):
            read(t, i * 90)
        j = verdict("poll-interval", t)
        assert j.verdict == expected, reads
    return j


def test_eleven_reads_within_a_second_fail_poll_interval_ten_pass() -> None:
    j = _ten_pass_eleven_fail(Traffic.poll)
    assert len(j.evidence) == 11  # the eleven reads of the window


def test_poll_interval_threshold_is_a_setting() -> None:
    t = Traffic()
    for i in range(5):
        t.poll(i * 100)
    assert verdict("poll-interval", t, Settings(max_reads_per_second=4)).verdict == "fail"
    assert verdict("poll-interval", t).verdict == "pass"


def test_reads_by_coid_count_for_the_same_order() -> None:
    t = Traffic()
    t.place(0)
    for i in range(6):
        t.poll(i * 10)
        t.add(
            i * 10 + 5,
            "GET",
            "/v2/orders",
            query="coId=c1",
            answer={"orderId": "7", "coId": "c1", "status": "NEW"},
        )
    assert verdict("poll-interval", t).verdict == "fail"


def test_cancelling_an_order_after_it_was_final_fails_stop_at_final() -> None:
    t = Traffic().happy()
    for at in (800, 1000):
        t.add(at, "DELETE", "/v2/orders/7", 400, answer={"errorCode": "ORDER_FINAL"})
    j = verdict("stop-at-final", t)
    assert (j.verdict, j.detail) == ("fail", "order 7 cancelled 2 time(s) after final")
    assert [e.note for e in j.evidence][1:] == ["cancelled after the final status"] * 2
    t.poll(1200, state="FILLED")
    assert (
        verdict("stop-at-final", t).detail == "order 7 read 1 and cancelled 2 time(s) after final"
    )
    working = Traffic()  # a cancel of an order still working is the point of a cancel
    working.login(0)
    working.place(20)
    working.add(100, "DELETE", "/v2/orders/7", 202)
    working.poll(200, state="CANCELLED")
    assert verdict("stop-at-final", working).verdict == "pass"


def test_reading_an_order_after_it_was_final_fails_stop_at_final() -> None:
    t = Traffic().happy()
    t.poll(1000, state="FILLED")
    j = verdict("stop-at-final", t)
    assert j.verdict == "fail"
    assert [e.note for e in j.evidence] == [
        "the final status, shown",
        "read again after the final status",
    ]


def test_a_final_status_in_a_cut_off_answer_was_not_shown() -> None:
    t = Traffic()
    t.place(0)
    t.add(
        100,
        "GET",
        "/v2/orders/7",
        200,
        delivered=False,
        answer={"orderId": "7", "status": "FILLED"},
    )
    t.poll(300, state="FILLED")
    assert verdict("stop-at-final", t).verdict == "pass"


def test_poll_interval_is_quick_on_a_long_session() -> None:
    t = Traffic()
    for i in range(20_000):  # a day's polling at a sane pace: judged without a quadratic walk
        t.poll(i * 200)
    assert verdict("poll-interval", t).verdict == "pass"


def test_polling_a_rate_counts_as_polling() -> None:
    j = _ten_pass_eleven_fail(Traffic.quote)
    assert j.detail == "11 reads of /v2/rates/spot for EUR/USD within one second (at most 10)"
    two_pairs = Traffic()  # a rate per pair: each is its own resource
    for i in range(8):
        two_pairs.quote(i * 90)
        two_pairs.add(i * 90 + 5, "GET", "/v2/rates/spot", query="symbol=GBP%2FUSD")
    assert verdict("poll-interval", two_pairs).verdict == "pass"


def test_polling_an_orders_trades_for_its_fill_counts_as_polling() -> None:
    t = Traffic()
    for i in range(11):
        t.add(i * 50, "GET", "/v2/orders/7/trades", answer=[])
    j = verdict("poll-interval", t)
    assert j.detail == "11 reads of /v2/orders/7/trades within one second (at most 10)"


def test_asking_an_empty_trade_download_again_and_again_is_polling_draining_it_is_not() -> None:
    empty, draining = Traffic(), Traffic()
    for i in range(11):
        empty.add(i * 50, "GET", "/v2/trades/stp/messages", answer=[])
        draining.add(i * 50, "GET", "/v2/trades/stp/messages", answer=[{"tradeId": f"T{i}"}])
    draining.add(600, "GET", "/v2/trades/stp/messages", answer=[])
    j = verdict("poll-interval", empty)
    assert j.detail == (
        "11 reads of /v2/trades/stp/messages (empty) within one second (at most 10)"
    )
    assert verdict("poll-interval", draining).verdict == "not-exercised"
