"""Benchmark: the lists with a big book (issue 11's target). Run on demand, not in CI.

    python bench/big_book.py                   # 1,000 and 100,000 orders, in-process and live
    python bench/big_book.py --orders 100000 --repeat 50

One org gets N orders through the order book's bulk path (`OrderBook.insert_many`, which stores
each as `insert` does), all placed before the manual clock's start: mostly Market orders filled,
one in 20 a Limit IOC that expired unfilled, and a few Limit GTC resting far off the market. Every
trade is then downloaded once through the trade desk (as a client that keeps up would have), so
the book is what a long-running client leaves. Then, over HTTP — the Flask test client, and
`integral-mock serve --clock manual` on the same state file — it times the active list, a
one-message trade download, a single order read, cancel-all of five resting orders and the first
page of /__admin/orders, and reads the serve worker's resident memory (VmRSS). Figures go into
bench/README.md by hand, with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.exchange.market.rates import PAIRS
from integral_mock.exchange.orders.fate import Course, natural_fate
from integral_mock.exchange.orders.ticket import Ticket

LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}
ORG, USER = LOGIN["org"], LOGIN["user"]
START_MS = ManualClock().now_ms()
RESTING = 5
# (method, path, JSON body) -> (status, JSON answer)
Call = Callable[[str, str, Any], tuple[int, Any]]


def fill(path: str, count: int) -> float:
    """Put `count` orders of ORG into the state file at `path`; seconds it took, drain included."""
    started = time.perf_counter()
    app = create_app(Config.default(database=path), clock=ManualClock())
    venue = app.extensions["integral-mock"].venue
    pair = PAIRS["EUR/USD"]
    quote = venue.feed.top_of_book(pair, START_MS)
    orders: list[tuple[Ticket, int, Course]] = []
    for n in range(count):
        placed = START_MS - 1000 - (count - n) * 50  # 20 a second, all final by the start
        request: dict[str, Any] = {
            "coId": f"big-{n}",
            "side": "Buy",
            "symbol": "EUR/USD",
            "currency": "EUR",
            "size": 1_000_000,
        }
        if n < RESTING:  # resting far below the market: active all along
            request |= {"type": "Limit", "timeInForce": "GTC", "price": float(quote[1]) - 0.05}
        elif n % 20 == 0:  # an IOC the market never meets: EXPIRED, no trade
            request |= {"type": "Limit", "timeInForce": "IOC", "price": float(quote[1]) - 0.05}
        else:
            request |= {"type": "Market", "timeInForce": "IOC"}
        ticket = Ticket.parse(request, pair)
        orders.append((ticket, placed, natural_fate(ticket, venue.feed, None, placed, 200, 300, 0)))
    venue.book.insert_many(ORG, USER, orders)
    while venue.trades.messages(ORG, START_MS, 1000):
        pass  # every trade downloaded once, through the download's own path
    venue.store.close()
    return time.perf_counter() - started


def timed(call: Call, repeat: int) -> dict[str, list[float]]:
    """Milliseconds of each measured request, `repeat` times; a new trade before each download."""
    times: dict[str, list[float]] = {}

    def measure(label: str, method: str, path: str, expect: int) -> Any:
        started = time.perf_counter()
        status, body = call(method, path, None)
        times.setdefault(label, []).append(1000 * (time.perf_counter() - started))
        assert status == expect, (label, status, body)
        return body

    for n in range(repeat):
        rate = call("GET", "/v2/rates/spot?symbol=EUR%2FUSD", None)[1]
        order: dict[str, Any] = {"coId": f"bench-{n}", "type": "PQ", "timeInForce": "FOK"}
        order |= {"side": "Buy"}
        order |= {"symbol": "EUR/USD", "currency": "EUR", "size": 1000}
        order |= {"price": rate["offer"], "rateId": rate["rateId"]}
        status, placed = call("POST", "/v2/orders", order)
        assert status == 202, placed
        for k in range(RESTING):  # resting ones for the next cancel-all
            far: dict[str, Any] = {"coId": f"far-{n}-{k}", "type": "Limit", "side": "Buy"}
            far |= {"timeInForce": "GTC"}
            far |= {"symbol": "EUR/USD", "currency": "EUR", "size": 1000}
            far |= {"price": round(float(rate["offer"]) - 0.05, 5)}
            assert call("POST", "/v2/orders", far)[0] == 202
        call("POST", "/__admin/clock/advance", {"ms": 1000})
        active = measure("active list (GET /v2/orders)", "GET", "/v2/orders", 200)
        assert len(active) >= RESTING, len(active)
        trades = measure(
            "trade download, one message", "GET", "/v2/trades/stp/messages?maxCount=50", 200
        )
        assert [t["orderId"] for t in trades] == [placed["orderId"]], trades
        measure("single order read", "GET", f"/v2/orders/{placed['orderId']}", 200)
        measure(f"cancel-all ({len(active)} active)", "DELETE", "/v2/orders", 202)
        measure("/__admin/orders first page (1000)", "GET", f"/__admin/orders?org={ORG}", 200)
        measure("/__admin/orders?limit=100", "GET", f"/__admin/orders?org={ORG}&limit=100", 200)
    return times


def in_process(path: str, repeat: int) -> dict[str, list[float]]:
    app = create_app(Config.default(database=path), clock=ManualClock())
    client = app.test_client()
    token = client.post("/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]

    def call(method: str, url: str, body: Any) -> tuple[int, Any]:
        r = client.open(url, method=method, json=body, headers={"SSO_TOKEN": token})
        return r.status_code, r.get_json()

    try:
        return timed(call, repeat)
    finally:
        app.extensions["integral-mock"].venue.store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _worker(master: int) -> int:
    """The pid of the serve process's one worker (gunicorn forks it off the master)."""
    for _ in range(100):
        with contextlib.suppress(FileNotFoundError):
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no worker process")


@contextlib.contextmanager
def served(path: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    cmd = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port)]
    cmd += ["--state", path, "--clock", "manual"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/__admin/health", timeout=1).ok:
                    break
            time.sleep(0.1)
        yield base, _worker(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def live(path: str, repeat: int) -> tuple[dict[str, list[float]], int]:
    with served(path) as (base, worker), requests.Session() as session:
        session.headers["SSO_TOKEN"] = session.post(f"{base}/v2/sso/login", json=LOGIN).headers[
            "SSO_TOKEN"
        ]

        def call(method: str, url: str, body: Any) -> tuple[int, Any]:
            r = session.request(method, base + url, json=body)
            return r.status_code, r.json() if r.content else None

        times = timed(call, repeat)
        return times, _rss_kb(worker)


def _report(label: str, times: dict[str, list[float]]) -> None:
    print(f"  {label}")
    for name, ms in times.items():
        print(f"    {name:40s} p50 {statistics.median(ms):7.2f} ms   max {max(ms):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.repeat} repeats")
    for count in args.orders:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{count:,} orders in {ORG}: filled in {fill(f'{tmp}/in.db', count):.1f} s")
            shutil.copy(f"{tmp}/in.db", f"{tmp}/live.db")  # closed, so the WAL is in the file
            _report("in-process (Flask test client)", in_process(f"{tmp}/in.db", args.repeat))
            times, rss = live(f"{tmp}/live.db", args.repeat)
            _report("live (integral-mock serve --clock manual, loopback)", times)
            print(f"    serve worker RSS after the run: {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
