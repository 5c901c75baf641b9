"""final-status-reported (certification only) on synthetic entries and order lists."""

from __future__ import annotations

import pytest

from integral_mock.conformance import rules
from tests.conformance.journal import Traffic


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


@pytest.mark.parametrize(
    ("path", "amounts", "expected"),
    [
        ("/v2/orders/7/trades", [1000000], "pass"),
        ("/v2/trades/stp/messages", [400000, 600000], "pass"),  # two fills cover the order
        ("/v2/orders/7/trades", [400000], "fail"),  # a part is not the fill
        ("/v2/orders/7/trades", [None], "fail"),  # a trade without an amount shows no fill
        ("/v2/trades", [1000000], "fail"),  # booked trades are not the order's
    ],
)
def test_trades_for_the_whole_size_show_a_fill(
    path: str, amounts: list[object], expected: str
) -> None:
    t = Traffic()
    t.poll(100, state="RECEIVED")
    trades = [{"orderId": "7", "tradeId": f"T{n}", "dealtAmount": a} for n, a in enumerate(amounts)]
    t.add(300, "GET", path, answer=trades)
    t.add(400, "GET", path, answer=trades)  # the same trades read again count once
    assert rules.final_status(0, [_order()], True, t.entries).verdict == expected
