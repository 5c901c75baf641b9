"""`serve --workers 2`: every worker answers from one state (clock, rules, ids, journal)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
import requests

from tests.live_sandbox import (
    journal,
    login,
    place,
    placed_at_once,
    placing,
    spot,
    spot_status,
    wait_until,
    workers,
)
from tests.serve_process import Served, serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

# Requests go out from THREADS at once, each on a connection of its own, so that while one
# worker is busy the other takes the next; in rounds, until the journal shows both answered.
THREADS = 8
MAX_ROUNDS = 25
T = TypeVar("T")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("workers")
    with serve_process(workdir, "--ephemeral", "--workers", "2", "--clock", "manual") as served:
        yield served


@pytest.fixture
def base(served: Served) -> str:
    requests.post(f"{served.base_url}/__admin/reset", json={}, timeout=10).raise_for_status()
    return served.base_url


def _on_both_workers(base: str, send: Callable[[int], T], **journaled: str) -> list[T]:
    """`send(i)` from THREADS threads at once, round after round, until both workers have
    answered the requests the journal lists under `journaled` (path, method)."""
    results: list[T] = []
    for _ in range(MAX_ROUNDS):
        with ThreadPoolExecutor(THREADS) as pool:
            results += pool.map(send, range(len(results), len(results) + THREADS))
        if len(workers(journal(base, **journaled))) == 2:
            return results
    pytest.fail(f"one worker answered all {len(results)} requests")


def test_one_advance_of_the_manual_clock_moves_every_worker(base: str) -> None:
    auth = login(base)
    advanced = requests.post(f"{base}/__admin/clock/advance", json={"ms": 7000}, timeout=10)
    quotes = _on_both_workers(base, lambda _: spot(base, auth), path="/v2/rates/spot")
    assert {quote["time"] for quote in quotes} == {advanced.json()["now"]}


def test_a_rule_set_through_one_request_holds_on_every_worker(base: str) -> None:
    auth = login(base)
    rule = {"coId": "w-*", "outcome": "REJECTED", "reason": "NO_CREDIT"}
    assert requests.post(f"{base}/__admin/outcomes", json=rule, timeout=10).status_code == 201
    placed = _on_both_workers(
        base, lambda i: place(base, auth, f"w-{i}"), path="/v2/orders", method="POST"
    )
    assert {p.status_code for p in placed} == {202}
    requests.post(f"{base}/__admin/clock/advance", json={"ms": 60_000}, timeout=10)
    for answer in placed:
        order = requests.get(f"{base}/v2/orders/{answer.json()['orderId']}", headers=auth)
        assert order.json()["status"] == "REJECTED"
        assert order.json()["reason"].startswith("NO_CREDIT")


def test_a_fault_rule_fires_its_times_across_workers_and_no_more(base: str) -> None:
    auth = login(base)
    rule = {"path": "/v2/rates/spot", "fault": "503", "times": 5}
    assert requests.post(f"{base}/__admin/faults", json=rule, timeout=10).status_code == 201

    statuses = _on_both_workers(base, lambda _: spot_status(base, auth), path="/v2/rates/spot")
    assert statuses.count(503) == 5  # requests racing on both workers, and five faults
    assert set(statuses) == {200, 503}
    (listed,) = requests.get(f"{base}/__admin/faults", timeout=10).json()
    assert (listed["fired"], listed["remaining"]) == (5, 0)


def test_concurrent_placement_on_both_workers_never_repeats_an_order_id(base: str) -> None:
    answers = placed_at_once([base], login(base), threads=8, each=10)
    assert {a.status_code for a in answers} == {202}
    ids = [a.json()["orderId"] for a in answers]
    assert len(set(ids)) == len(ids) == 80
    posts = journal(base, path="/v2/orders", method="POST")
    assert len(posts) == 80  # the journal holds every worker's requests
    assert len(workers(posts)) == 2


def test_killing_a_worker_under_load_loses_no_acknowledged_order(base: str) -> None:
    auth = login(base)
    with placing(lambda _: base, auth, "k") as acknowledged:
        wait_until(lambda: acknowledged.count() >= 30)
        victim = journal(base, path="/v2/orders", method="POST", limit=1)[0]["worker"]
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: _answering_workers(base, victim))  # the master started another
        placed_after = acknowledged.count()
        wait_until(lambda: acknowledged.count() >= placed_after + 30)
    for co_id, (order_id, _) in acknowledged.orders.items():
        found = requests.get(f"{base}/v2/orders/{order_id}", headers=auth, timeout=10)
        assert found.status_code == 200, (co_id, found.text)
        assert found.json()["coId"] == co_id


def _answering_workers(base: str, gone: int) -> bool:
    """Whether two workers, neither of them `gone`, have answered since it went."""
    recent = journal(base, path="/v2/orders", method="POST", limit=60)
    return len(workers(recent[-30:]) - {gone}) == 2


def test_ephemeral_state_is_removed_when_serve_stops(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--ephemeral", "--workers", "2") as served:
        entries = journal(served.base_url)
        assert entries == []
        state = served.log.read_text().split("(state: ")[1].split(")")[0]
        assert Path(state).exists()
    assert not Path(state).parent.exists()
