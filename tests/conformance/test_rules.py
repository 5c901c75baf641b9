"""Each rule judged on synthetic journal entries: exact verdicts, no server, no waiting."""

from __future__ import annotations

import pytest

from integral_mock.conformance import rules
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Judgment
from tests.conformance.journal import Traffic

DEFAULT = Settings()


def verdict(rule_id: str, traffic: Traffic, settings: Settings = DEFAULT) -> Judgment:
    return rules.BY_ID[rule_id].judge(traffic.entries, settings)


def test_a_well_behaved_run_passes_or_does_not_exercise_every_rule() -> None:
    results = {
        r.rule.id: r.judgment.verdict for r in rules.judge(Traffic().happy().entries, DEFAULT)
    }
    assert results == {
        "no-double-placement": "not-exercised",
        "lookup-before-replace": "not-exercised",
        "poll-interval": "pass",
        "stop-at-final": "pass",
        "retry-after": "not-exercised",
        "backoff": "not-exercised",
        "token-reuse": "pass",
        "token-renewal": "not-exercised",
        "fresh-quote": "pass",
        "json-requests": "pass",
        "request-id": "pass",
        "final-status-reported": "not-exercised",
    }


def test_no_rule_is_exercised_by_no_traffic() -> None:
    assert {r.judgment.verdict for r in rules.judge([], DEFAULT)} == {"not-exercised"}


# -- no-double-placement, lookup-before-replace ---------------------------------------------


def lost_answer(then_lookup: bool, then_place: str | None) -> Traffic:
    t = Traffic()
    t.login(0)
    t.quote(10)
    t.place(20, 202, delivered=False)  # committed, answer lost (reset-after)
    if then_lookup:
        t.add(
            200,
            "GET",
            "/v2/orders",
            query="coId=c1",
            answer={"orderId": "7", "coId": "c1", "status": "NEW"},
        )
    if then_place:
        t.place(
            300,
            202 if then_place == "fresh" else 400,
            co_id="c2" if then_place == "fresh" else "c1",
            order_id="8",
        )
    return t


def test_a_second_order_after_a_lost_answer_fails_no_double_placement() -> None:
    j = verdict("no-double-placement", lost_answer(False, "fresh"))
    assert j.verdict == "fail"
    assert [e.status for e in j.evidence] == [202, 202]
    assert "2 orders accepted" in j.detail


def test_a_resend_under_the_same_coid_is_refused_and_safe() -> None:
    t = lost_answer(False, "same")  # DUPLICATE_COID: 400, no second order
    assert verdict("no-double-placement", t).verdict == "pass"
    assert verdict("lookup-before-replace", t).verdict == "fail"


def test_looking_up_first_passes_both() -> None:
    t = lost_answer(True, None)
    assert verdict("no-double-placement", t).verdict == "pass"
    assert verdict("lookup-before-replace", t).verdict == "pass"


def test_a_placement_refused_before_it_ran_may_be_placed_again() -> None:
    t = Traffic()
    t.place(0, 503)  # nothing was committed
    t.add(50, "GET", "/v2/orders", 404, query="coId=c1")
    t.place(100, 202, co_id="c2")
    assert verdict("no-double-placement", t).verdict == "pass"
    assert verdict("lookup-before-replace", t).verdict == "pass"


def test_a_hung_placement_is_judged_where_it_was_sent_not_where_its_entry_was_written() -> None:
    # The journal numbers an entry when its answer ends: a POST held by a hang comes after
    # the blind re-POST the client sent while it hung, though it was sent first.
    t = Traffic()
    t.login(0)
    t.quote(10)
    t.place(20, None, fault="hang")
    t.place(3200, co_id="c2", order_id="8")
    hung, again = t.entries[2], t.entries[3]
    hung["id"], again["id"] = again["id"], hung["id"]
    verdicts = {r.rule.id: r.judgment for r in rules.judge(t.entries, DEFAULT)}
    assert verdicts["lookup-before-replace"].verdict == "fail"
    assert [e.note for e in verdicts["lookup-before-replace"].evidence] == [
        "ambiguous answer",
        "placed again",
    ]


# -- poll-interval, stop-at-final ----------------------------------------------------------


def test_eleven_reads_within_a_second_fail_poll_interval_ten_pass() -> None:
    for reads, expected in ((10, "pass"), (11, "fail")):
        t = Traffic()
        for i in range(reads):
            t.poll(i * 90)
        j = verdict("poll-interval", t)
        assert j.verdict == expected, reads
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


# -- retry-after, backoff ------------------------------------------------------------------


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


# -- tokens ----------------------------------------------------------------------------------


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


# -- fresh-quote -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "pass"),
        ({"price": 1.1}, "fail"),  # a Buy of EUR at the bid
        ({"rate_id": "R-unknown"}, "fail"),
        ({"at": 70_000}, "fail"),  # the quote is older than its lifetime
        ({"side": "Sell", "price": 1.1}, "pass"),
    ],
)
def test_fresh_quote(change: dict[str, object], expected: str) -> None:
    t = Traffic()
    t.quote(0)
    at = int(change.pop("at", 100))  # type: ignore[call-overload]
    t.place(at, **change)  # type: ignore[arg-type]
    assert verdict("fresh-quote", t).verdict == expected


def test_a_full_book_level_is_a_quote_too() -> None:
    t = Traffic()
    level = {"symbol": "EUR/USD", "bid": 1.0, "offer": 1.3, "rateId": "L2"}
    t.add(0, "GET", "/v2/rates/spot/FULL", answer={"levels": [level]})
    t.place(50, price=1.3, rate_id="L2")
    assert verdict("fresh-quote", t).verdict == "pass"


# -- json-requests, request-id ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["pass", "password", "Password", "apiSecret"])
def test_json_requests_catches_a_password_in_the_url(key: str) -> None:
    t = Traffic()  # the body has it too: only the URL is at fault
    t.add(0, "POST", "/v2/sso/login", query=f"user=u&{key}=%5Bredacted%5D", body={"user": "u"})
    j = verdict("json-requests", t)
    assert (j.verdict, j.detail) == ("fail", f"a secret ({key.lower()}) was sent in the URL")
    harmless = Traffic()
    harmless.add(0, "GET", "/v2/rates/spot", query="symbol=EUR%2FUSD&passive=1")
    assert verdict("json-requests", harmless).verdict == "pass"


def test_json_requests_catches_a_token_in_the_url_and_a_wrong_content_type() -> None:
    in_url = Traffic()
    in_url.add(0, "GET", "/v2/orders/7", query="SSO_TOKEN=abc")
    assert "token was sent in the URL" in verdict("json-requests", in_url).detail
    form = Traffic()
    form.add(0, "POST", "/v2/orders", 400, body="a=b", headers={"Content-Type": "text/plain"})
    assert "text/plain" in verdict("json-requests", form).detail
    not_json = Traffic()
    sent = "{'coId': 'c1', 'type': 'PQ'}"  # a Python repr, labelled JSON: the journal's text
    not_json.add(0, "POST", "/v2/orders", 400, body=sent)
    assert verdict("json-requests", not_json).detail == (
        f"a body sent as application/json that is not a JSON object: {sent!r}"
    )
    tokenless = Traffic()
    tokenless.add(0, "GET", "/v2/orders/7", 401)
    del tokenless.entries[0]["request"]["headers"]["Sso-Token"]
    assert verdict("json-requests", tokenless).verdict == "fail"


def test_request_id_missing_or_reused_fails_a_retry_may_repeat_it() -> None:
    missing = Traffic()
    missing.poll(0)
    missing.entries[0]["request"]["headers"].pop("X-Request-Id")
    assert verdict("request-id", missing).verdict == "fail"
    reused, retried = Traffic(), Traffic()
    reused.poll(0)
    reused.quote(100)
    reused.entries[1]["request"]["headers"]["X-Request-Id"] = "r1"
    assert verdict("request-id", reused).verdict == "fail"
    retried.poll(0, status=500)
    retried.poll(100)
    retried.entries[1]["request"]["headers"]["X-Request-Id"] = "r1"
    assert verdict("request-id", retried).verdict == "pass"


# -- final-status-reported -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exit_code", "orders", "expected"),
    [
        (0, [{"orderId": "7", "status": "FILLED"}], "pass"),
        (1, [{"orderId": "7", "status": "REJECTED"}], "pass"),
        (0, [{"orderId": "7", "status": "REJECTED"}], "fail"),
        (1, [{"orderId": "7", "status": "FILLED"}], "fail"),
        (1, [], "fail"),  # the client did nothing at all
        (1, [{"orderId": "7", "status": "NEW"}], "fail"),  # it gave up with its order working
        (None, [{"orderId": "7", "status": "FILLED"}], "fail"),  # killed at the timeout
    ],
)
def test_final_status_reported(
    exit_code: int | None, orders: list[dict[str, str]], expected: str
) -> None:
    t = Traffic()
    for order in orders:  # the client was shown its order's status
        t.poll(100, order_id=order["orderId"], state=order["status"])
    verdict = rules.final_status(exit_code, orders, expect_order=True, entries=t.entries)
    assert verdict.verdict == expected


ASKED = {"type": "PQ", "symbol": "EUR/USD", "side": "Buy", "size": "1000000", "currency": "EUR"}


def _order(**changes: object) -> dict[str, object]:
    return {"orderId": "7", "status": "FILLED", **ASKED, "size": 1000000.0, **changes}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "Market"}, "order 7 has type 'Market', but the task asked for 'PQ'"),
        ({"side": "Sell"}, "order 7 has side 'Sell', but the task asked for 'Buy'"),
        ({"size": 2e6}, "order 7 has size 2000000.0, but the task asked for '1000000'"),
        ({"symbol": "GBP/USD"}, "order 7 has symbol 'GBP/USD', but the task asked for 'EUR/USD'"),
    ],
)
def test_an_order_other_than_the_one_asked_for_fails(
    change: dict[str, object], message: str
) -> None:
    t = Traffic()
    t.poll(100, state="FILLED")
    j = rules.final_status(0, [_order(**change)], True, t.entries, asked=ASKED)
    assert (j.verdict, j.detail) == ("fail", message)
    assert rules.final_status(0, [_order()], True, t.entries, asked=ASKED).verdict == "pass"


@pytest.mark.parametrize(
    ("exit_code", "status", "shown", "message"),
    [
        (
            0,
            "FILLED",
            ["RECEIVED"],
            "exit 0, but no answer showed order 7 FILLED: it last saw it RECEIVED",
        ),
        (
            0,
            "FILLED",
            ["RECEIVED", "NEW"],
            "exit 0, but no answer showed order 7 FILLED: it last saw it NEW",
        ),
        (1, "REJECTED", [], "exit 1, but no answer showed order 7 final: it never read it"),
    ],
)
def test_an_exit_status_the_client_guessed_fails(
    exit_code: int, status: str, shown: list[str], message: str
) -> None:
    t = Traffic()
    for n, state in enumerate(shown):
        t.poll(100 * n, state=state)
    j = rules.final_status(exit_code, [_order(status=status)], True, t.entries)
    assert (j.verdict, j.detail) == ("fail", message)


def test_a_final_status_seen_in_a_lookup_by_coid_is_seen() -> None:
    t = Traffic()
    t.add(100, "GET", "/v2/orders", query="coId=c1", answer={"orderId": "7", "status": "FILLED"})
    assert rules.final_status(0, [_order()], True, t.entries).verdict == "pass"


def test_a_client_that_stops_while_its_order_works_is_told_what_it_last_met() -> None:
    t = Traffic()
    t.login(0)
    t.quote(10)
    t.place(20)
    t.poll(100, status=429)
    j = rules.final_status(1, [{"orderId": "7", "status": "NEW"}], True, t.entries)
    assert j.verdict == "fail"
    assert j.detail == (
        "exit 1 while order 7 was still NEW: the client stopped before its order was final"
        " (its last call, GET /v2/orders/{id} answered 429)"
    )
    assert [e.note for e in j.evidence] == ["GET /v2/orders/{id} answered 429", "NEW"]
    nothing = rules.final_status(1, [], True, t.entries[:2])
    assert nothing.detail == "exit 1, but the client placed no order"


def test_a_failure_never_tried_again_exercises_neither_retry_after_nor_backoff() -> None:
    t = Traffic()
    t.place(0)
    t.add(100, "GET", "/v2/orders/7", 429, answer_headers={"Retry-After": "1"})
    assert verdict("retry-after", t).detail == "no call followed the 1 Retry-After(s)"
    assert verdict("backoff", t).detail == "1 failed call(s), none tried again"
    assert {verdict(r, t).verdict for r in ("retry-after", "backoff")} == {"not-exercised"}


def test_settings_take_assignments_and_refuse_unknown_names() -> None:
    changed = Settings().with_assignments(["max_reads_per_second=4", "slow-fill-ms=900"])
    assert (changed.max_reads_per_second, changed.slow_fill_ms) == (4.0, 900)
    for bad in ("nope=1", "fill_ms", "fill_ms=soon", "fill_ms=-1"):
        with pytest.raises(ValueError, match="--set"):
            Settings().with_assignments([bad])


def test_poll_interval_is_quick_on_a_long_session() -> None:
    t = Traffic()
    for i in range(20_000):  # a day's polling at a sane pace: judged without a quadratic walk
        t.poll(i * 200)
    assert verdict("poll-interval", t).verdict == "pass"
