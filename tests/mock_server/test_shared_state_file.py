"""Two `serve` processes on one `--state` file are one sandbox: orders, rules, clock, ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests

from tests.live_sandbox import login, place, placed_at_once
from tests.serve_process import Served, serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Served]]:
    workdir = tmp_path_factory.mktemp("shared")
    state = str(workdir / "state.sqlite3")
    flags = ("--state", state, "--clock", "manual", "--workers", "1", "--no-access-log")
    logs = [workdir / "a", workdir / "b"]  # each process logs in a folder of its own
    with ExitStack() as stack:
        for folder in logs:
            folder.mkdir()
        first, second = (stack.enter_context(serve_process(f, *flags)) for f in logs)
        yield first, second


def test_what_one_process_stores_the_other_answers(pair: tuple[Served, Served]) -> None:
    a, b = (served.base_url for served in pair)
    auth = login(a)  # a token one process issued works on the other
    rule = {"coId": "shared-*", "outcome": "REJECTED", "reason": "NO_CREDIT"}
    assert requests.post(f"{b}/__admin/outcomes", json=rule, timeout=10).status_code == 201
    placed = place(a, auth, "shared-1")
    assert placed.status_code == 202
    advanced = requests.post(f"{a}/__admin/clock/advance", json={"ms": 60_000}, timeout=10)
    assert requests.get(f"{b}/__admin/clock", timeout=10).json()["now"] == advanced.json()["now"]
    order = requests.get(f"{b}/v2/orders/{placed.json()['orderId']}", headers=auth, timeout=10)
    assert order.json()["status"] == "REJECTED"
    assert order.json()["reason"].startswith("NO_CREDIT")
    journal = requests.get(f"{b}/__admin/journal", params={"method": "POST"}, timeout=10).json()
    assert {e["path"] for e in journal} >= {"/v2/sso/login", "/v2/orders"}  # a's requests


def test_placing_on_both_at_once_never_repeats_an_order_id(pair: tuple[Served, Served]) -> None:
    bases = [served.base_url for served in pair]
    answers = placed_at_once(bases, login(bases[0]), threads=6, each=10)
    assert {a.status_code for a in answers} == {202}
    ids = [a.json()["orderId"] for a in answers]
    assert len(ids) == len(set(ids)) == 60
