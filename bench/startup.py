"""How long a sandbox takes to answer after its command is typed, and the CPU it spends
getting there: `integral-mock serve` at its defaults beside Prism on the same spec.

Every pytest-plugin session, certify run and CI job that starts a sandbox pays this; so does a
developer after each restart. Run: `python bench/startup.py [--runs N] [--servers prism,serve]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import servers

POLL_S = 0.01  # how often readiness is asked: the finest step the figures can show


def started_once(server: servers.Server) -> tuple[float, float]:
    """(seconds until the first answer, CPU seconds of the whole process group by then)."""
    began = time.monotonic()
    proc = subprocess.Popen(
        server.argv,
        cwd=servers.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while not servers._answers(server):
            if proc.poll() is not None or time.monotonic() - began > server.startup_s:
                raise RuntimeError(f"{server.name} did not come up")
            time.sleep(POLL_S)
        ready = time.monotonic() - began
        cpu = _group_cpu(proc.pid)
    finally:
        servers.stop(proc)
    return ready, cpu


def _group_cpu(leader: int) -> float:
    """utime + stime of the leader and its descendants, from /proc, while they run (npx, sh
    and node; gunicorn's master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [leader]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        pending.extend(servers.children(pid))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--servers", default="prism,serve")
    args = parser.parse_args()
    wanted = args.servers.split(",")
    candidates = {"serve": servers.serve(servers.free_port())}
    if "prism" in wanted and (prism := servers.prism(servers.free_port())) is not None:
        started_once(prism)  # the first `npx --yes` may download the package: not a start
        candidates["prism"] = prism
    print(f"Python {sys.version.split()[0]}, {servers.cpus()} CPUs, {args.runs} starts each")
    print("| server | ready after (median, s) | CPU to get there (median, s) |")
    print("|---|---|---|")
    for key in wanted:
        if key not in candidates:
            continue
        runs = [started_once(candidates[key]) for _ in range(args.runs)]
        ready = statistics.median(r for r, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {candidates[key].name} | {ready:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
