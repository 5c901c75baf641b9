"""Rules about reading: how often an order (a rate, trades) is read; never once it is final."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from integral_mock.conformance import traffic
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, Evidence, Judgment


def poll_interval(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """No order, nor the active list, a rate or an order's trades, read more often than
    max_reads_per_second in any one-second window."""
    reads: dict[str, list[Entry]] = defaultdict(list)
    for key, entry in [*traffic.order_reads(entries), *_looks(entries)]:
        reads[key].append(entry)
    polled = {k: v for k, v in reads.items() if len(v) > 1}
    if not polled:
        return Judgment.unexercised("nothing polled: no order, rate or trades read twice")
    limit = settings.max_reads_per_second
    window_ms = max(1000 - settings.poll_slack_ms, 1)
    for key, seen in polled.items():
        start = 0  # a sliding one-second window (less the slack) over the reads, oldest first
        for end, last in enumerate(seen):
            while traffic.wall_ms(last) - traffic.wall_ms(seen[start]) >= window_ms:
                start += 1
            window = seen[start : end + 1]
            if len(window) > limit:
                what = _what(key)
                note = f"{len(window)} reads of {what} within one second"
                return Judgment.failed(
                    f"{note} (at most {limit:g})", [Evidence.of(e, note) for e in window]
                )
    return Judgment.passed(f"{sum(map(len, polled.values()))} reads, never over {limit:g}/s")


def _looks(entries: Sequence[Entry]) -> Iterator[tuple[str, Entry]]:
    """(key, entry) for the other reads a poller repeats: a rate ("rate PATH SYMBOL"), polling a
    quote; an order's trades, or the trade download answering nothing ("trades PATH"),
    polling for a fill."""
    for entry in entries:
        if entry["method"] in traffic.READS and entry["path"].startswith(traffic.RATES):
            symbol = (traffic.query(entry).get("symbol") or [""])[0]
            yield f"rate {entry['path']} {symbol}", entry
        elif traffic.is_order_trades(entry):
            yield f"trades {entry['path']}", entry
        elif traffic.is_download(entry) and entry["response"]["body"] == []:
            # Draining a backlog batch after batch is the workflow; asking again and again
            # while nothing is there is polling.
            yield f"trades {entry['path']} (empty)", entry


def _what(key: str) -> str:
    if key == "active":
        return "the active list"
    if key.startswith("trades "):
        return key.removeprefix("trades ")
    if key.startswith("rate "):
        _, path, symbol = key.split(" ", 2)
        return f"{path} for {symbol}" if symbol else path
    return f"order {key}"


def stop_at_final(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """Once an order was shown a final status, it is read (or cancelled) no more."""
    shown_final: dict[str, Entry] = {}
    for entry in entries:
        for order_id, status in traffic.statuses_shown(entry):
            if status in traffic.FINAL and order_id not in shown_final:
                shown_final[order_id] = entry
    if not shown_final:
        return Judgment.unexercised("no order was shown a final status")
    # A cancel of a final order is refused (400) and changes nothing: as needless as a read.
    touches = [*traffic.order_reads(entries), *traffic.order_cancels(entries)]
    for key, final in shown_final.items():
        later = sorted((e for k, e in touches if k == key and e["id"] > final["id"]), key=_id)
        if len(later) > settings.reads_after_final:
            evidence = [Evidence.of(final, "the final status, shown")]
            evidence += [Evidence.of(e, _after_final(e)) for e in later]
            return Judgment.failed(f"order {key} {_counted(later)} after final", evidence)
    return Judgment.passed(f"{len(shown_final)} order(s) left alone once final")


def _id(entry: Entry) -> int:
    return int(entry["id"])


def _after_final(entry: Entry) -> str:
    return (
        "cancelled after the final status"
        if entry["method"] == "DELETE"
        else ("read again after the final status")
    )


def _counted(later: list[Entry]) -> str:
    """'read 2 time(s)', 'cancelled 5 time(s)', or 'read 1 and cancelled 5 time(s)'."""
    cancels = sum(1 for e in later if e["method"] == "DELETE")
    reads = len(later) - cancels
    if not cancels:
        return f"read {reads} time(s)"
    return (
        f"read {reads} and cancelled {cancels} time(s)"
        if reads
        else (f"cancelled {cancels} time(s)")
    )
