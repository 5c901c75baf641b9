"""Side by side in one run: Prism, a bare Flask app and `integral-mock serve`, same load (issue 11).

    python bench/compare.py                       # every row, 10 s each, wrk if installed
    python bench/compare.py --rounds 3            # the whole sequence three times: median, range
    python bench/compare.py --servers serve,validate --seconds 5 --load python

Each server is started, warmed up, measured and stopped before the next starts, so no two share
the cores; the load generator does share them with the server, for every row alike. Ratios are
to Prism's row of the same workload in the same round (median and range over rounds): compare
ratios, not req/s, between runs; the "load 1m" column says how busy the machine was. Results go
into bench/README.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import load
import servers

SPOT, FLOW = "spot", "flow"
WORKLOAD_NAMES = {SPOT: "GET /v2/rates/spot", FLOW: "PQ flow (rate → place → read)"}


@dataclass
class Group:
    """One server and the workloads it is measured on (workload, connections)."""

    key: str
    make: Callable[[int], servers.Server | None]
    workloads: list[tuple[str, int]]


@dataclass
class Row:
    """One (server, workload) line of the table, over every round."""

    server: str
    workload: str
    connections: int
    results: list[load.Result] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # 1-min load average before each round
    failure: str = ""


def groups(spot_c: int, flow_c: int) -> list[Group]:
    """Each server and what it is measured on; `quiet` is what the access log costs."""
    return [
        Group("prism", servers.prism, [(SPOT, spot_c), (FLOW, flow_c)]),
        Group("bare", servers.bare_flask, [(SPOT, spot_c)]),
        Group("serve", servers.serve, [(SPOT, spot_c), (FLOW, flow_c)]),
        Group("validate", lambda p: servers.serve(p, "--validate-responses"), [(SPOT, spot_c)]),
        Group("quiet", lambda p: servers.serve(p, "--no-access-log"), [(SPOT, spot_c)]),
    ]


def machine(tool: str, with_prism: bool) -> list[str]:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    lines = [
        f"machine: {os.cpu_count()} CPUs ({model}), Linux {platform.release()}",
        f"python {sys.version.split()[0]}, load average at start "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
    ]
    if tool == "wrk":
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        lines.append(f"load: {(wrk.stdout or wrk.stderr).splitlines()[0]}")
    else:
        lines.append("load: bench/load.py (Python threads; its own cost caps what it measures)")
    if with_prism and servers.prism(0) is not None:
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
        prism = subprocess.run(
            ["npx", "--yes", servers.PRISM, "--version"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        lines.append(f"node {node.stdout.strip()}, prism-cli {prism.stdout.strip()}")
    return lines


def sanity(base: str, token: str, workload: str) -> str:
    """Empty when one request of the workload answers as it should, else what went wrong."""
    client = load.Client(base, token)
    if workload == SPOT:
        status, _, body = client.call("GET", load.SPOT_PATH)
        return "" if status == 200 and body and "rateId" in body else f"spot: {status} {body}"
    statuses = client.one_flow(f"sanity-{time.time_ns():x}")
    return "" if statuses == [200, 202, 200] else f"flow statuses {statuses}"


def label(group: Group, run: servers.Running) -> str:
    if group.key == "prism":
        return "Prism (node, its defaults)"
    workers = len(run.workers())
    return f"{run.server.name} (gevent, {workers} worker{'s' * (workers != 1)})"


def measure(group: Group, rows: dict[tuple[str, str], Row], args: argparse.Namespace) -> None:
    server = group.make(servers.free_port())
    if server is None:
        print(f"  skipped {group.key}: Node's npx is not installed (Prism runs under npx)")
        return
    try:
        with servers.running(server, args.log_dir) as run:
            token = "bench" if group.key in ("prism", "bare") else servers.login(server.base)
            name = label(group, run)
            for workload, connections in group.workloads:
                row = rows.setdefault((group.key, workload), Row(name, workload, connections))
                problem = sanity(server.base, token, workload)
                if problem:
                    row.failure = problem
                    print(f"  {name}, {workload}: not measured, {problem}")
                    continue
                drive = (server.base, workload, connections)
                if args.warmup:
                    load.run(*drive, args.warmup, token, args.load)
                row.loads.append(os.getloadavg()[0])
                result = load.run(*drive, args.seconds, token, args.load)
                row.results.append(result)
                print(
                    f"  {name}, {workload} x{connections}: {result.rps:,.0f} req/s, "
                    f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                    f"{result.errors} errors, load {row.loads[-1]:.2f}"
                    + (f", {result.flows:,} flows" if result.flows is not None else "")
                )
    except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
        print(f"  {group.key}: {exc}")
        for workload, connections in group.workloads:
            rows.setdefault((group.key, workload), Row(server.name, workload, connections))
            rows[(group.key, workload)].failure = str(exc).splitlines()[0]


def cell(row: Row, pick: Callable[[load.Result], float], fmt: str) -> str:
    values = [pick(r) for r in row.results]

    def show(x: float) -> str:
        # Tenths of a millisecond only where they are not noise.
        return f"{x:,.0f}" if fmt == "ms" and x >= 100 else fmt.replace("ms", "{:.1f}").format(x)

    text = show(statistics.median(values))
    return text + (f" ({show(min(values))}–{show(max(values))})" if len(values) > 1 else "")


def ratios(rows: dict[tuple[str, str], Row], key: str, workload: str) -> list[float]:
    """Per round, this row's req/s over Prism's: each pair measured minutes apart, not hours."""
    mine, prism = rows.get((key, workload)), rows.get(("prism", workload))
    if not (mine and prism):
        return []
    return [m.rps / p.rps for m, p in zip(mine.results, prism.results, strict=False) if p.rps]


def ratio_text(values: list[float]) -> str:
    if not values:
        return "n/a"
    text = f"{statistics.median(values):.2f}×"
    return text + (f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else "")


def table(rows: dict[tuple[str, str], Row]) -> list[str]:
    out = [
        "| workload | server | conns | req/s | p50 ms | p99 ms | errors | × Prism | load 1m |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (key, workload), row in sorted(rows.items(), key=lambda kv: kv[0][1] == FLOW):
        what = f"{WORKLOAD_NAMES[workload]} | {row.server} | {row.connections}"
        if not row.results:
            out.append(f"| {what} | not measured: {row.failure} | | | | | |")
            continue
        ratio = "1.00×" if key == "prism" else ratio_text(ratios(rows, key, workload))
        out.append(
            f"| {what} | {cell(row, lambda r: r.rps, '{:,.0f}')} "
            f"| {cell(row, lambda r: r.p50_ms, 'ms')} "
            f"| {cell(row, lambda r: r.p99_ms, 'ms')} "
            f"| {sum(r.errors for r in row.results)} | {ratio} "
            f"| {' '.join(f'{x:.1f}' for x in row.loads)} |"
        )
    return out


def targets(rows: dict[tuple[str, str], Row]) -> list[str]:
    """Issue 11's targets, as ratios to Prism in this run."""

    out = []
    for text, key, workload, want in (
        ("spot, request validation on: ≥ 2× Prism", "serve", SPOT, 2.0),
        ("PQ flow: ≥ 1× Prism", "serve", FLOW, 1.0),
        ("spot with --validate-responses: ≥ 1× Prism", "validate", SPOT, 1.0),
    ):
        got = ratios(rows, key, workload)
        met = "met" if got and statistics.median(got) >= want else "NOT met"
        verdict = f"{ratio_text(got)}, {met}" if got else "n/a"
        out.append(f"- {text}: {verdict}")
    for key in ("serve", "validate"):
        row = rows.get((key, SPOT))
        if row and row.results:
            p99 = statistics.median(r.p99_ms for r in row.results)
            met = "met" if p99 < 50 else "NOT met"
            where = f"at {row.connections} connections, {row.server}"
            out.append(f"- p99 < 50 ms {where}: {p99:.1f} ms, {met}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per row")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured load first")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole sequence")
    parser.add_argument("--spot-connections", "--spot-c", type=int, default=32)
    parser.add_argument("--flow-connections", "--flow-c", type=int, default=16)
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--servers", default="prism,bare,serve,validate,quiet", help="any of these")
    parser.add_argument("--memory-orders", default="1000", help="RSS at N[,N...] orders; 0: skip")
    args = parser.parse_args()
    if args.load == "auto":
        args.load = "wrk" if load.wrk_path() else "python"
        if args.load == "python":
            print("wrk is not installed: using bench/load.py, which caps what it can measure")
    wanted = args.servers.split(",")
    counts = [int(n) for n in args.memory_orders.split(",") if int(n) > 0]
    chosen = [g for g in groups(args.spot_connections, args.flow_connections) if g.key in wanted]
    print("\n".join(machine(args.load, "prism" in wanted)))
    rows: dict[tuple[str, str], Row] = {}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as logs:
        args.log_dir = Path(logs)
        for n in range(args.rounds):
            print(f"round {n + 1} of {args.rounds}, {args.seconds:g} s per row:")
            # Every other round runs the servers in reverse, so a drift in the machine's load
            # over the run does not always fall on the same server.
            for group in chosen if n % 2 == 0 else chosen[::-1]:
                measure(group, rows, args)
        print("\n" + "\n".join(table(rows)))
        print("\nTargets (issue 11), ratios to Prism in this run:", *targets(rows), sep="\n")
        if counts:  # after the table, so that a failure here loses none of it
            print("\n" + servers.serve_rss(counts, args.log_dir))


if __name__ == "__main__":
    main()
