"""Two workers racing on one order or one download, and a worker stopped the polite way."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.live_sandbox import journal, login, place, spot, workers
from tests.serve_process import Served, serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8
WAIT_S = 30


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("races")
    flags = ("--ephemeral", "--workers", "2", "--clock", "manual", "--no-access-log")
    with serve_process(workdir, *flags) as served:
        yield served


@pytest.fixture
def base(served: Served) -> str:
    requests.post(f"{served.base_url}/__admin/reset", json={}, timeout=10).raise_for_status()
    return served.base_url


def _at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


def _workers(base: str, path: str) -> set[int]:
    return workers(journal(base, path=path))


def test_concurrent_cancels_of_one_order_cancel_it_once(base: str) -> None:
    auth = login(base)
    resting = []
    for i in range(30):  # far below the market: they rest on the book
        bid = spot(base, auth)["bid"]
        order = {"coId": f"rest-{i}", "type": "Limit", "timeInForce": "GTC", "side": "Buy"}
        order |= {"symbol": "EUR/USD", "currency": "EUR", "size": 1_000_000}
        order["price"] = round(bid * 0.9, 5)
        placed = requests.post(f"{base}/v2/orders", json=order, headers=auth, timeout=10)
        resting.append(placed.json()["orderId"])
    for order_id in resting:
        url = f"{base}/v2/orders/{order_id}"
        answers = _at_once([lambda u=url: requests.delete(u, headers=auth, timeout=10)] * THREADS)
        statuses = sorted(a.status_code for a in answers)
        assert statuses[0] < 300, statuses
        assert statuses[1:] == [400] * (THREADS - 1), statuses
        assert {a.json()["errorCode"] for a in answers if a.status_code == 400} == {"ORDER_FINAL"}
    assert len(_workers(base, "/v2/orders/*")) == 2


def test_concurrent_downloads_hand_out_each_trade_once(base: str) -> None:
    auth = login(base)
    placed = [place(base, auth, f"d-{i}").json()["orderId"] for i in range(40)]
    requests.post(f"{base}/__admin/clock/advance", json={"ms": 60_000}, timeout=10)
    url = f"{base}/v2/trades/stp/messages?maxCount=5"
    got: list[requests.Response] = []
    for _ in range(20):  # rounds of racing downloads, until a whole round finds nothing new
        round_ = _at_once([lambda: requests.get(url, headers=auth, timeout=10)] * THREADS)
        got += round_
        assert {a.status_code for a in round_} == {200}, [a.text for a in round_]
        if not any(a.json() for a in round_):
            break
    handed = [m["orderId"] for a in got for m in a.json()]
    assert sorted(handed) == sorted(placed)  # every trade once: none twice, none lost
    assert len(_workers(base, "/v2/trades/stp/messages")) == 2


def test_a_worker_stopped_with_sigterm_is_replaced_and_the_state_stays(base: str) -> None:
    auth = login(base)
    first = place(base, auth, "before").json()["orderId"]
    gone = next(iter(_workers(base, "/v2/orders")))
    os.kill(gone, signal.SIGTERM)  # it exits normally, unwinding what it ran inside
    deadline = time.monotonic() + WAIT_S
    spot_url = f"{base}/v2/rates/spot?symbol=EUR%2FUSD"
    while len(_workers(base, "/v2/rates/spot") - {gone}) < 2:
        assert time.monotonic() < deadline, "no second worker answered after the first went"
        _at_once([lambda: requests.get(spot_url, headers=auth, timeout=10)] * THREADS)
    found = requests.get(f"{base}/v2/orders/{first}", headers=auth, timeout=10)
    assert found.status_code == 200
    assert found.json()["coId"] == "before"
