"""Benchmark: the PQ workflow's throughput in-process and over HTTP. Run on demand, not in CI.

    python bench/workflow.py              # in-process (Flask test client), then live over gunicorn
    python bench/workflow.py --flows 500  # more flows

Each flow is the tutorial: spot rate → place PQ order → query it by id (after one login).
Results go into bench/README.md by hand, with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests

from integral_mock.app import create_app
from integral_mock.config import Config

LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}
Call = Callable[..., Any]


def run_flows(post: Call, get: Call, flows: int) -> float:
    """Seconds for `flows` workflows; `post`/`get` answer (status, json)."""
    started = time.perf_counter()
    for n in range(flows):
        status, rate = get("/v2/rates/spot?symbol=EUR%2FUSD")
        assert status == 200, rate
        order = {
            "coId": f"bench-{n}",
            "type": "PQ",
            "timeInForce": "FOK",
            "side": "Buy",
            "symbol": "EUR/USD",
            "currency": "EUR",
            "size": 1000,
            "price": rate["offer"],
            "rateId": rate["rateId"],
        }
        status, placed = post("/v2/orders", order)
        assert status == 202, placed
        status, _ = get(f"/v2/orders/{placed['orderId']}")
        assert status == 200
    return time.perf_counter() - started


def in_process(flows: int, validate_responses: bool) -> float:
    client = create_app(Config.default(validate_responses=validate_responses)).test_client()
    token = client.post("/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]
    headers = {"SSO_TOKEN": token}

    def post(path: str, body: Any) -> tuple[int, Any]:
        r = client.post(path, json=body, headers=headers)
        return r.status_code, r.get_json()

    def get(path: str) -> tuple[int, Any]:
        r = client.get(path, headers=headers)
        return r.status_code, r.get_json()

    return run_flows(post, get, flows)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served() -> Iterator[str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port), "--ephemeral"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/__admin/health", timeout=1).ok:
                    break
            time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def live(flows: int) -> float:
    with served() as base, requests.Session() as session:
        token = session.post(f"{base}/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]
        session.headers["SSO_TOKEN"] = token

        def post(path: str, body: Any) -> tuple[int, Any]:
            r = session.post(base + path, json=body)
            return r.status_code, r.json()

        def get(path: str) -> tuple[int, Any]:
            r = session.get(base + path)
            return r.status_code, r.json()

        return run_flows(post, get, flows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=300)
    args = parser.parse_args()
    print(
        f"{args.flows} flows of 3 requests, python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    for label, seconds in (
        ("in-process", in_process(args.flows, validate_responses=False)),
        ("in-process, responses validated", in_process(args.flows, validate_responses=True)),
        ("live over gunicorn (loopback)", live(args.flows)),
    ):
        rps = 3 * args.flows / seconds
        print(
            f"  {label:34s} {seconds:6.2f} s  {rps:7.0f} requests/s  "
            f"{1000 * seconds / args.flows:6.2f} ms/flow"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
