"""Replicas on PostgreSQL beside one `serve` on SQLite, same load, one run (issue 15).

    python bench/replicas.py                 # 10 s per row, wrk if installed
    python bench/replicas.py --seconds 5 --load python

Starts a throwaway PostgreSQL server (tests/pg_cluster.py: Debian's postgresql package), then,
one setup after another so that no two share the cores: one `serve` on SQLite (its defaults),
one `serve` on PostgreSQL, and two `serve` replicas on one PostgreSQL database (one worker
each, so the three setups have the same worker processes in all). The load is split evenly
over a setup's replicas and run on all of them at once; req/s is the sum, p99 the worst.
Each setup has a fresh database. Results go into bench/README.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import load
import servers

sys.path.insert(0, str(servers.ROOT))
from tests.pg_cluster import postgres_cluster  # noqa: E402  # the bench's own PostgreSQL

WORKLOADS = (("spot", 32), ("flow", 16))


def replica(port: int, database: str, workers: int) -> servers.Server:
    argv = [sys.executable, "-m", "integral_mock", "serve", "--port", str(port)]
    argv += ["--database", database, "--workers", str(workers), "--no-access-log"]
    name = f"serve --database postgresql ({workers} worker{'s' * (workers != 1)})"
    return servers.Server(name=name, argv=argv, port=port, ready_path="/__admin/health")


def setups(database: Callable[[str], str]) -> list[tuple[str, list[servers.Server]]]:
    """(name, its servers); `database(name)` makes a fresh database and gives its URL."""
    cpus = servers.cpus()
    shared = database("two")
    return [
        ("1 × serve on SQLite", [servers.serve(servers.free_port(), "--no-access-log")]),
        (
            f"1 × serve on PostgreSQL ({cpus} workers)",
            [replica(servers.free_port(), database("one"), cpus)],
        ),
        (
            "2 × serve replicas on one PostgreSQL (1 worker each)",
            [replica(servers.free_port(), shared, 1) for _ in range(2)],
        ),
    ]


def drive(bases: list[str], workload: str, connections: int, seconds: float, token: str,
          tool: str) -> load.Result:  # fmt: skip
    """The workload on every base at once, its connections split evenly between them."""
    results: list[load.Result] = []
    lock = threading.Lock()

    def run(base: str) -> None:
        result = load.run(base, workload, connections // len(bases), seconds, token, tool)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(base,)) for base in bases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flows = [r.flows for r in results if r.flows is not None]
    return load.Result(
        requests=sum(r.requests for r in results),
        seconds=max(r.seconds for r in results),
        p50_ms=max(r.p50_ms for r in results),
        p99_ms=max(r.p99_ms for r in results),
        errors=sum(r.errors for r in results),
        flows=sum(flows) if flows else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    tool = args.load if args.load != "auto" else ("wrk" if load.wrk_path() else "python")
    print(f"# {platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, {tool}")
    rows = ["| setup | workload | req/s | p50 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as logs, postgres_cluster() as cluster:
        for name, group in setups(cluster.create_database):
            with ExitStack() as stack:
                running = [stack.enter_context(servers.running(s, Path(logs))) for s in group]
                bases = [run.server.base for run in running]
                token = servers.login(bases[0])  # one venue: a token of one works on all
                for workload, connections in WORKLOADS:
                    if args.warmup:
                        drive(bases, workload, connections, args.warmup, token, tool)
                    result = drive(bases, workload, connections, args.seconds, token, tool)
                    rows.append(
                        f"| {name} | {workload} ×{connections} | {result.rps:,.0f} | "
                        f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} |"
                    )
                    print(rows[-1], flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
