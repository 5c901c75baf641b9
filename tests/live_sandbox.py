"""Calls to a live `serve` over HTTP for the many-workers tests: login, quote, order, journal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
import requests

from tests.helpers import EXAMPLE_LOGIN, pq_order


def login(base: str) -> dict[str, str]:
    """The SSO_TOKEN header of a fresh login as the README's user."""
    answer = requests.post(f"{base}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=10)
    answer.raise_for_status()
    return {"SSO_TOKEN": answer.headers["SSO_TOKEN"]}


def spot(base: str, auth: dict[str, str]) -> dict[str, Any]:
    answer = requests.get(
        f"{base}/v2/rates/spot", params={"symbol": "EUR/USD"}, headers=auth, timeout=10
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def spot_status(base: str, auth: dict[str, str]) -> int:
    """The status a spot rate request answers (a fault rule may make it 503)."""
    answer = requests.get(
        f"{base}/v2/rates/spot", params={"symbol": "EUR/USD"}, headers=auth, timeout=10
    )
    return answer.status_code


class Acknowledged:
    """The orders answered 202 while a load ran: coId -> (orderId, the base that said 202)."""

    def __init__(self) -> None:
        self.orders: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def add(self, co_id: str, order_id: str, base: str) -> None:
        with self._lock:
            self.orders[co_id] = (order_id, base)

    def count(self, base: str | None = None) -> int:
        """How many so far (of `base`'s, if given)."""
        with self._lock:
            return sum(1 for _, said in self.orders.values() if base in (None, said))


@contextmanager
def placing(
    base_of: Callable[[int], str], auth: dict[str, str], tag: str, threads: int = 6
) -> Iterator[Acknowledged]:
    """`threads` threads placing PQ orders one after another, thread t on `base_of(t)` (asked
    again for each order), until the block ends; what was acknowledged."""
    acknowledged, stop = Acknowledged(), threading.Event()

    def load(thread: int) -> None:
        count = 0
        while not stop.is_set():
            base = base_of(thread)
            co_id, count = f"{tag}-{thread}-{count}", count + 1
            try:
                answer = place(base, auth, co_id)
            except requests.RequestException:
                # Refused, or broken mid-answer by a kill: a 202 the client never read whole
                # was never acknowledged.
                continue
            if answer.status_code == 202:
                acknowledged.add(co_id, answer.json()["orderId"], base)

    started = [threading.Thread(target=load, args=(t,)) for t in range(threads)]
    for thread in started:
        thread.start()
    try:
        yield acknowledged
    finally:
        stop.set()
        for thread in started:
            thread.join()


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Poll `condition` until it holds, bounded: real processes are the one place a test
    waits."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not there within {timeout_s} s")
        time.sleep(0.05)


def place(base: str, auth: dict[str, str], co_id: str) -> requests.Response:
    """A PQ order on a fresh quote, as sent: the caller judges the answer."""
    order = pq_order(spot(base, auth), coId=co_id)
    return requests.post(f"{base}/v2/orders", json=order, headers=auth, timeout=10)


def journal(base: str, **filters: Any) -> list[dict[str, Any]]:
    answer = requests.get(f"{base}/__admin/journal", params=filters, timeout=10)
    answer.raise_for_status()
    entries: list[dict[str, Any]] = answer.json()
    return entries


def workers(entries: list[dict[str, Any]]) -> set[int]:
    """The worker processes that answered these journal entries."""
    return {e["worker"] for e in entries}


def placed_at_once(
    bases: Sequence[str], auth: dict[str, str], threads: int, each: int
) -> list[requests.Response]:
    """`each` placements from each of `threads` threads at once, thread t on bases[t % n]."""
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def run(thread: int) -> None:
        for i in range(each):
            answer = place(bases[thread % len(bases)], auth, f"at-once-{thread}-{i}")
            with lock:
                answers.append(answer)

    started = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return answers
