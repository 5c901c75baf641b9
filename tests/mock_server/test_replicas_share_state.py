"""Two `serve --database postgresql://…` replicas on one database are one venue: orders, coIds,
the clock, outcome and fault rules, the journal and trade downloads are the same on both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.live_sandbox import journal, login, place, placed_at_once, spot, spot_status
from tests.mock_server.replica_support import (  # noqa: F401 - with the fixtures
    replica_pair,
    replicas_database,
    reset_bases,
    worker_pids,
)
from tests.mock_server.store_support import module_cluster  # noqa: F401 - the `cluster` fixture
from tests.serve_process import Served

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8


def test_orders_placed_on_both_at_once_have_unique_ids_and_read_alike_on_both(
    bases: tuple[str, str],
) -> None:
    a, b = bases
    auth = login(a)
    answers = placed_at_once(bases, auth, threads=THREADS, each=10)
    assert [answer.status_code for answer in answers] == [202] * 80
    ids = [answer.json()["orderId"] for answer in answers]
    assert len(set(ids)) == len(ids) == 80
    for answer in answers:
        placed = answer.json()
        on_a = requests.get(f"{a}/v2/orders/{placed['orderId']}", headers=auth, timeout=10)
        on_b = requests.get(f"{b}/v2/orders/{placed['orderId']}", headers=auth, timeout=10)
        assert (on_a.status_code, on_b.status_code) == (200, 200), (on_a.text, on_b.text)
        assert on_a.json() == on_b.json()
        assert (on_a.json()["orderId"], on_a.json()["coId"]) == (
            placed["orderId"],
            placed["coId"],
        )


def test_one_coid_placed_on_both_at_once_is_taken_once(bases: tuple[str, str]) -> None:
    auth = login(bases[0])
    for round_ in range(3):
        co_id = f"once-{round_}"
        with ThreadPoolExecutor(THREADS) as pool:
            targets = [bases[i % 2] for i in range(THREADS)]
            answers = list(pool.map(place, targets, [auth] * THREADS, [co_id] * THREADS))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [202] + [400] * (THREADS - 1), [a.text for a in answers]
        assert {a.json()["errorCode"] for a in answers if a.status_code == 400} == {
            "DUPLICATE_COID"
        }
        (taken,) = (a.json() for a in answers if a.status_code == 202)
        for base in bases:
            found = requests.get(
                f"{base}/v2/orders", params={"coId": co_id}, headers=auth, timeout=10
            )
            assert found.json()["orderId"] == taken["orderId"]


def test_an_advance_of_the_clock_through_one_is_the_time_of_the_other(
    bases: tuple[str, str],
) -> None:
    a, b = bases
    auth = login(b)
    before = requests.get(f"{b}/__admin/clock", timeout=10).json()["now"]
    advanced = requests.post(f"{a}/__admin/clock/advance", json={"ms": 7000}, timeout=10)
    assert advanced.status_code == 200, advanced.text
    now = advanced.json()["now"]
    assert now == before + 7000
    assert requests.get(f"{b}/__admin/clock", timeout=10).json()["now"] == now
    with ThreadPoolExecutor(THREADS) as pool:  # at once, so that both of b's workers answer
        quotes = list(pool.map(lambda _: spot(b, auth), range(2 * THREADS)))
    assert {quote["time"] for quote in quotes} == {now}
    assert spot(a, auth)["time"] == now


def test_an_outcome_rule_set_through_one_decides_orders_placed_on_the_other(
    bases: tuple[str, str],
) -> None:
    a, b = bases
    auth = login(a)
    rule = {"coId": "rep-*", "outcome": "REJECTED", "reason": "NO_CREDIT"}
    assert requests.post(f"{b}/__admin/outcomes", json=rule, timeout=10).status_code == 201
    placed = [place(a, auth, f"rep-{i}") for i in range(6)]
    assert [p.status_code for p in placed] == [202] * 6
    requests.post(f"{b}/__admin/clock/advance", json={"ms": 60_000}, timeout=10)
    for answer in placed:
        for base in (a, b):
            order = requests.get(
                f"{base}/v2/orders/{answer.json()['orderId']}", headers=auth, timeout=10
            ).json()
            assert order["status"] == "REJECTED", (base, order)
            assert order["reason"].startswith("NO_CREDIT")
    (listed,) = requests.get(f"{a}/__admin/outcomes", timeout=10).json()
    assert listed["coId"] == "rep-*"


def test_a_fault_rule_set_through_one_fires_its_times_across_both(
    bases: tuple[str, str],
) -> None:
    a, b = bases
    auth = login(a)
    rule = {"path": "/v2/rates/spot", "fault": "503", "times": 5}
    assert requests.post(f"{a}/__admin/faults", json=rule, timeout=10).status_code == 201

    def on(i: int) -> int:
        return spot_status(bases[i % 2], auth)

    first = [on(1) for _ in range(2)]  # b, alone: the rule a was given fires there
    assert first == [503, 503]
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = first + list(pool.map(on, range(4 * THREADS)))
    assert statuses.count(503) == 5
    assert set(statuses) == {200, 503}
    for base in (a, b):
        (listed,) = requests.get(f"{base}/__admin/faults", timeout=10).json()
        assert (listed["fired"], listed["remaining"]) == (5, 0)


def test_the_journal_read_from_either_lists_the_requests_both_answered(
    pair: tuple[Served, Served], bases: tuple[str, str]
) -> None:
    auth = login(bases[0])
    sent: dict[str, str] = {}  # request id -> the replica that was sent it

    def quote(i: int) -> None:
        base, request_id = bases[i % 2], f"journal-{i}"
        answer = requests.get(
            f"{base}/v2/rates/spot",
            params={"symbol": "EUR/USD"},
            headers={**auth, "X-Request-ID": request_id},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["X-Request-ID"] == request_id
        sent[request_id] = base

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(quote, range(4 * THREADS)))
    workers_of = {served.base_url: worker_pids(served) for served in pair}
    for base in bases:
        entries = {
            e["requestId"]: e
            for e in journal(base, path="/v2/rates/spot")
            if e["requestId"] in sent
        }
        assert set(entries) == set(sent), base  # every request, whichever replica answered it
        for request_id, entry in entries.items():
            assert entry["status"] == 200
            assert entry["worker"] in workers_of[sent[request_id]], (request_id, entry)


def test_downloading_trades_on_both_at_once_delivers_each_trade_once(
    bases: tuple[str, str],
) -> None:
    a, b = bases
    auth = login(a)
    placed = [place(bases[i % 2], auth, f"trade-{i}") for i in range(24)]
    assert [p.status_code for p in placed] == [202] * 24
    requests.post(f"{b}/__admin/clock/advance", json={"ms": 2000}, timeout=10)
    filled = set()
    for answer in placed:
        order_id = answer.json()["orderId"]
        order = requests.get(f"{a}/v2/orders/{order_id}", headers=auth, timeout=10).json()
        assert order["status"] == "FILLED", order
        filled.add(order_id)

    def download(thread: int) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        while True:
            answer = requests.get(
                f"{bases[thread % 2]}/v2/trades/stp/messages",
                params={"maxCount": 2},
                headers=auth,
                timeout=10,
            )
            assert answer.status_code == 200, answer.text
            if not answer.json():
                return got
            got += answer.json()

    def downloaded_at_once() -> list[dict[str, Any]]:
        with ThreadPoolExecutor(THREADS) as pool:
            return [trade for got in pool.map(download, range(THREADS)) for trade in got]

    delivered = downloaded_at_once()
    order_ids = [trade["orderId"] for trade in delivered]
    assert sorted(order_ids) == sorted(filled)  # each filled order's trade, exactly once
    assert {trade["event"] for trade in delivered} == {"NEW"}
    assert {trade["tradeId"] for trade in delivered} == {f"FXI{i}" for i in filled}
    for base in bases:
        again = requests.get(f"{base}/v2/trades/stp/messages", headers=auth, timeout=10)
        assert again.json() == []

    # Resends asked on both at once queue each trade once, and it comes back once.
    day = requests.get(f"{a}/__admin/clock", timeout=10).json()["iso"][:10]
    span = {"startDate": f"{day} 00:00:00,000 +0000", "endDate": f"{day} 23:59:59,999 +0000"}

    def resend(i: int) -> requests.Response:
        url = f"{bases[i % 2]}/v2/trades/stp/resend"
        return requests.post(url, json=span, headers=auth, timeout=10)

    with ThreadPoolExecutor(THREADS) as pool:
        resent = list(pool.map(resend, range(THREADS)))
    assert [(r.status_code, r.json()["resent"]) for r in resent] == [(200, 24)] * THREADS
    again = downloaded_at_once()
    assert sorted(trade["orderId"] for trade in again) == sorted(filled)
    assert {trade["event"] for trade in again} == {"RESEND"}
