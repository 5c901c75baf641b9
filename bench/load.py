"""The load for bench/compare.py: wrk when installed, else a Python generator of the same shape.

Two workloads, each over N keep-alive connections for a fixed time:

- `spot`: `GET /v2/rates/spot?symbol=EUR%2FUSD` with the token, again and again;
- `flow`: the PQ flow, spot rate -> PQ order at the quoted offer with its rateId -> the order
  read by id, one flow after another per connection (wrk: bench/pq_flow.lua).

The Python generator is one thread per connection, each with its own `http.client` connection.
Its own cost caps what it can measure: every request is parsed in Python under the GIL, on the
same cores as the server, so it shows a few thousand req/s at most; a server faster than that
reads as "as fast as the client". Use wrk for ratios that mean something above that.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SPOT_PATH = "/v2/rates/spot?symbol=EUR%2FUSD"
PQ_FLOW_LUA = Path(__file__).with_name("pq_flow.lua")


@dataclass
class Result:
    """One workload's run: requests answered, their latency, and what went wrong."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers, socket errors and timeouts
    flows: int | None = None  # completed PQ flows (orders read back), for the flow workload

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def order_body(tag: str, rate: dict[str, Any]) -> dict[str, Any]:
    """The PQ order buying at the quote's offer, citing its rateId."""
    return {
        "coId": f"bench-{tag}",
        "type": "PQ",
        "timeInForce": "FOK",
        "side": "Buy",
        "symbol": "EUR/USD",
        "currency": "EUR",
        "size": 1000,
        "price": rate["offer"],
        "rateId": rate["rateId"],
    }


class Client:
    """One keep-alive connection; `call` answers (status, headers, parsed JSON or None)."""

    def __init__(self, base: str, token: str = "") -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"SSO_TOKEN": token} if token else {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(
        self, method: str, path: str, body: Any = None
    ) -> tuple[int, http.client.HTTPMessage, Any]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            # A dropped keep-alive connection: the next call opens a fresh one.
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            raise
        parsed = json.loads(raw) if raw and raw[:1] in (b"{", b"[") else None
        return response.status, response.headers, parsed

    def one_flow(self, tag: str) -> list[int]:
        """The PQ flow once; the statuses seen, stopping at the first unexpected one."""
        status, _, rate = self.call("GET", SPOT_PATH)
        if status != 200:
            return [status]
        placed_status, _, placed = self.call("POST", "/v2/orders", order_body(tag, rate))
        if placed_status != 202:
            return [status, placed_status]
        read_status, _, _ = self.call("GET", f"/v2/orders/{placed['orderId']}")
        return [status, placed_status, read_status]


def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q / 100 * len(sorted_ms)))]


def run_python(base: str, workload: str, connections: int, seconds: float, token: str) -> Result:
    """The workload from `connections` threads for `seconds`; latency is per request."""
    latencies: list[float] = []  # list.append is atomic under the GIL
    counts = {"errors": 0, "flows": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    run_tag = f"{time.time_ns():x}"

    def timed(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        started = time.perf_counter()
        status, _, parsed = client.call(method, path, body)
        latencies.append((time.perf_counter() - started) * 1000)
        return status, parsed

    def worker(n: int) -> None:
        client = Client(base, token)
        flows = errors = 0
        while time.perf_counter() < deadline:
            try:
                status, rate = timed(client, "GET", SPOT_PATH)
                if status != 200:
                    errors += 1
                    continue
                if workload == "spot":
                    continue
                tag = f"{run_tag}-{n}-{flows}-{errors}"
                status, placed = timed(client, "POST", "/v2/orders", order_body(tag, rate))
                if status != 202:
                    errors += 1
                    continue
                status, _ = timed(client, "GET", f"/v2/orders/{placed['orderId']}")
                flows += status == 200
                errors += status != 200
            except (OSError, http.client.HTTPException, ValueError):
                errors += 1
        with lock:
            counts["errors"] += errors
            counts["flows"] += flows

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Result(
        requests=len(ordered),
        seconds=elapsed,
        p50_ms=percentile(ordered, 50),
        p99_ms=percentile(ordered, 99),
        errors=counts["errors"],
        flows=counts["flows"] if workload == "flow" else None,
    )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> Result:
    """wrk's --latency report (and pq_flow.lua's last line) as a Result."""

    def grab(pattern: str, default: str | None = None) -> str:
        found = re.search(pattern, output)
        if found is None:
            if default is None:
                raise ValueError(f"wrk's output has no {pattern!r}:\n{output}")
            return default
        return found.group(1)

    requests = int(grab(r"(\d+) requests in"))
    seconds = _ms(grab(r"requests in ([\d.]+(?:us|ms|s|m)),")) / 1000
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(grab(r"Non-2xx or 3xx responses: (\d+)", "0"))
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    flows = re.search(r"pq_flow placed=\d+ read=(\d+)", output)
    return Result(
        requests=requests,
        seconds=seconds,
        p50_ms=_ms(grab(r"\n\s+50%\s+(\S+)")),
        p99_ms=_ms(grab(r"\n\s+99%\s+(\S+)")),
        errors=errors,
        flows=int(flows.group(1)) if flows else None,
    )


def run_wrk(base: str, workload: str, connections: int, seconds: float, token: str) -> Result:
    """The workload under wrk. The flow needs one connection per wrk thread (pq_flow.lua)."""
    cmd = [wrk_path() or "wrk", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    if workload == "spot":
        # As many load threads as cores, as in issue 11's `wrk -t2 -c32`.
        threads = min(connections, max(1, len(os.sched_getaffinity(0))))
        cmd += [f"-t{threads}", f"-c{connections}", "-H", f"SSO_TOKEN: {token}", base + SPOT_PATH]
    else:
        cmd += [f"-t{connections}", f"-c{connections}", "-s", str(PQ_FLOW_LUA), base]
        cmd += ["--", token, f"{time.time_ns():x}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def run(
    base: str, workload: str, connections: int, seconds: float, token: str, tool: str
) -> Result:
    runner = run_wrk if tool == "wrk" else run_python
    return runner(base, workload, connections, seconds, token)
