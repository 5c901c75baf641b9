"""Rules about placing orders: one order per intent, a lookup before a re-POST, a fresh quote."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from integral_mock.conformance import traffic
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, Evidence, Judgment

_INTENT = ("type", "symbol", "side", "size", "currency")


def _intent(entry: Entry) -> tuple[Any, ...] | None:
    body = traffic.sent(entry)
    return tuple(body.get(k) for k in _INTENT) if body else None


def no_double_placement(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """After a placement was committed but its answer lost, no second order for that intent."""
    placements = [e for e in entries if traffic.is_placement(e)]
    unsure = [p for p in placements if traffic.ambiguous(p)]
    if not unsure:
        return Judgment.unexercised("no placement met an ambiguous answer")
    for lost in (p for p in unsure if p["status"] == 202):
        again = [
            q
            for q in placements
            if q["id"] > lost["id"] and q["status"] == 202 and _intent(q) == _intent(lost)
        ]
        if again:
            evidence = [Evidence.of(lost, "accepted, but the answer never reached the client")]
            evidence += [
                Evidence.of(q, "a second order for the same intent, accepted") for q in again
            ]
            return Judgment.failed(f"{1 + len(again)} orders accepted for one intent", evidence)
    return Judgment.passed(f"{len(unsure)} ambiguous placement(s), never a second order")


def one_order_per_intent(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """no-double-placement in certification: the task is one order, so a second one accepted
    for its intent is a double placement, ambiguous answer or not, unless an answer had shown
    the first one ended unfilled (a new quote after a rejection is a new attempt).

    Not in the live verdict: an org's own test suite may place the same order many times.
    """
    judged = no_double_placement(entries, settings)
    if judged.verdict == "fail":
        return judged
    accepted = [e for e in entries if traffic.is_placement(e) and e["status"] == 202]
    order_ids = traffic.coid_index(entries)
    for n, later in enumerate(accepted):
        for first in accepted[:n]:
            if _intent(first) != _intent(later):
                continue
            if _ended_unfilled(entries, first, later, order_ids):
                continue
            evidence = [
                Evidence.of(first, "an order, accepted"),
                Evidence.of(later, "a second order for the same intent, accepted"),
            ]
            note = "2 orders accepted for one intent: the task asks for one"
            return Judgment.failed(note, evidence)
    return judged


def _ended_unfilled(
    entries: Sequence[Entry], placed: Entry, before: Entry, order_ids: dict[str, str]
) -> bool:
    """Whether an answer showed the order `placed` made rejected, expired or cancelled before
    the request `before` was sent."""
    order_id = order_ids.get(str((traffic.sent(placed) or {}).get("coId")))
    return any(
        (order_id, status) in traffic.statuses_shown(e) and status != "FILLED"
        for e in entries
        if e["id"] < before["id"]
        for status in traffic.FINAL
    )


def lookup_before_replace(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """After an ambiguous placement, the next call about orders is a lookup, not a POST."""
    unsure = [e for e in entries if traffic.is_placement(e) and traffic.ambiguous(e)]
    if not unsure:
        return Judgment.unexercised("no placement met an ambiguous answer")
    for lost in unsure:
        nxt = next(
            (e for e in entries if e["id"] > lost["id"] and e["path"].startswith(traffic.ORDERS)),
            None,
        )
        if nxt is not None and traffic.is_placement(nxt):
            evidence = [Evidence.of(lost, "ambiguous answer"), Evidence.of(nxt, "placed again")]
            return Judgment.failed("placed again without looking the order up first", evidence)
    return Judgment.passed(f"looked up after each of {len(unsure)} ambiguous placement(s)")


def fresh_quote(entries: Sequence[Entry], settings: Settings) -> Judgment:
    """A PQ order cites a rateId issued to the client, still valid, at the quoted price."""
    pq = [
        e
        for e in entries
        if traffic.is_placement(e) and (traffic.sent(e) or {}).get("type") == "PQ"
    ]
    if not pq:
        return Judgment.unexercised("no PQ order was placed")
    quotes = _quotes(entries)
    for order in pq:
        problem = _quote_problem(traffic.sent(order) or {}, order, quotes, settings)
        if problem:
            note, quote = problem
            evidence = [Evidence.of(order, note)]
            evidence += [Evidence.of(quote, "the quote")] if quote else []
            return Judgment.failed(note, evidence)
    return Judgment.passed(f"{len(pq)} PQ order(s), each on a fresh quote at its price")


def _quotes(entries: Sequence[Entry]) -> dict[str, tuple[dict[str, Any], Entry]]:
    """rateId → (the quoted level, the entry that delivered it), from every rate answer."""
    found: dict[str, tuple[dict[str, Any], Entry]] = {}
    for entry in entries:
        if entry["method"] == "GET" and entry["status"] == 200 and entry["delivered"]:
            for level in _levels(entry["response"]["body"]):
                found.setdefault(str(level["rateId"]), (level, entry))
    return found


def _levels(body: Any) -> list[dict[str, Any]]:
    """Every object with a rateId and both prices, however deep (a FULL book has levels)."""
    if isinstance(body, list):
        return [level for item in body for level in _levels(item)]
    if not isinstance(body, dict):
        return []
    own = [body] if {"rateId", "bid", "offer"} <= body.keys() else []
    return own + [level for value in body.values() for level in _levels(value)]


def _quote_problem(
    order: dict[str, Any],
    entry: Entry,
    quotes: dict[str, tuple[dict[str, Any], Entry]],
    settings: Settings,
) -> tuple[str, Entry | None] | None:
    found = quotes.get(str(order.get("rateId")))
    if found is None or found[1]["id"] > entry["id"]:
        return f"rateId {order.get('rateId')!r} was never quoted to this client", None
    level, quoted = found
    age = entry["time"] - quoted["time"]
    if age > settings.quote_lifetime_ms:
        return f"the quote was {age} ms old (valid {settings.quote_lifetime_ms} ms)", quoted
    if level.get("symbol") not in (None, order.get("symbol")):
        return f"quote for {level.get('symbol')}, order for {order.get('symbol')}", quoted
    expected = _quoted_price(level, order)
    if expected is None or traffic.number(order.get("price")) != expected:
        return f"price {order.get('price')} is not the quoted {expected}", quoted
    return None


def _quoted_price(level: dict[str, Any], order: dict[str, Any]) -> Decimal | None:
    """Buying the base takes the offer, selling it the bid; dealing the term currency flips."""
    base = str(order.get("symbol", "")).split("/")[0]
    buys_base = (order.get("side") == "Buy") == (order.get("currency", base) == base)
    return traffic.number(level.get("offer" if buys_base else "bid"))
