"""Calls to a live `serve` over HTTP for the many-workers tests: login, quote, order, journal."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

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
