"""A good client's login latency beside hostile connections held open on `integral-mock serve`.

Opens N connections of four kinds in equal parts — a `hang` fault, a ten-minute injected
latency, slowloris (headers never finished) and idle — then times logins. Loopback only,
bounded in count and time; run on demand:

    python bench/hostile.py --hostile 0 100 400 --logins 200
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time

LOGIN = json.dumps(
    {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}
)
SPOT = "GET /v2/rates/spot?symbol=EUR%2FUSD HTTP/1.1\r\nHost: x\r\n{}\r\n\r\n"
KINDS = (
    SPOT.format("X-Sandbox-Fault: hang").encode(),
    SPOT.format("X-Sandbox-Latency-Ms: 600000").encode(),
    b"GET /v2/orders HTTP/1.1\r\nHost: x\r\nX-Slow: a",
    b"",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/__admin/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("serve did not become healthy within 30 s")


def _login_ms(port: int) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("POST", "/v2/sso/login", LOGIN, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"login answered {response.status}")
    return (time.perf_counter() - started) * 1000


def _measure(port: int, hostile: int, logins: int) -> dict[str, float]:
    held = []
    for i in range(hostile):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(KINDS[i % len(KINDS)])
        held.append(sock)
    try:
        times = sorted(_login_ms(port) for _ in range(logins))
    finally:
        for sock in held:
            sock.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("DELETE", "/__admin/faults")  # let go of the hangs before the next round
        conn.getresponse().read()
    return {
        "p50": statistics.median(times),
        "p99": times[max(0, round(len(times) * 0.99) - 1)],
        "max": times[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hostile", type=int, nargs="+", default=[0, 100, 400])
    parser.add_argument("--logins", type=int, default=200)
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        command = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port)]
        with subprocess.Popen(
            [*command, "--ephemeral"],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as server:
            try:
                _wait_healthy(port)
                print("| hostile connections | login p50 | p99 | max |")
                print("|---|---|---|---|")
                for hostile in args.hostile:
                    got = _measure(port, hostile, args.logins)
                    print(
                        f"| {hostile} | {got['p50']:.1f} ms | {got['p99']:.1f} ms "
                        f"| {got['max']:.1f} ms |"
                    )
            finally:
                server.terminate()


if __name__ == "__main__":
    main()
