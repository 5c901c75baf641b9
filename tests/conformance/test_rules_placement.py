"""no-double-placement and lookup-before-replace on synthetic journal entries."""

from __future__ import annotations

from integral_mock.conformance import rules
from tests.conformance.journal import DEFAULT, Traffic, verdict


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
