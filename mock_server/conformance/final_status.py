"""final-status-reported (certification only): the order asked for, seen to its end, told truly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from integral_mock.conformance import traffic
from integral_mock.conformance.verdicts import Entry, Evidence, Judgment

Order = dict[str, Any]


def final_status(
    exit_code: int | None,
    orders: Sequence[Order],
    expect_order: bool,
    entries: Sequence[Entry] = (),
    asked: Mapping[str, Any] | None = None,
) -> Judgment:
    """Whether the client placed the order it was `asked` for (type, symbol, side, size,
    currency), saw it to a final status, and its exit status tells the truth about it;
    `entries` (in sending order) are what it was shown and what it last met."""
    filled = any(o.get("status") == "FILLED" for o in orders)
    ended = ", ".join(f"{o.get('orderId')} {o.get('status')}" for o in orders) or "no order"
    last = _last_failure(entries)
    cause = f" (its last call, {last[1]})" if last else ""
    cited = [last[0]] if last else []
    if exit_code is None:
        return Judgment.failed(f"the client did not finish in time (orders: {ended})", cited)
    if expect_order and not orders:
        return Judgment.failed(f"exit {exit_code}, but the client placed no order{cause}", cited)
    if asked and (wrong := _not_as_asked(orders, asked)):
        return Judgment.failed(wrong, _order_evidence(orders))
    live = [o for o in orders if o.get("status") not in traffic.FINAL]
    if exit_code != 0 and live and not filled:
        # Every scenario lets a conforming client see the end; stopping early leaves a
        # working order its caller believes failed.
        note = (
            f"exit {exit_code} while order {live[0].get('orderId')} was still "
            f"{live[0].get('status')}: the client stopped before its order was final{cause}"
        )
        return Judgment.failed(note, [*cited, *_order_evidence(orders)])
    if (exit_code == 0) != filled:
        fact = "an order FILLED" if filled else f"no order FILLED ({ended})"
        return Judgment.failed(f"exit {exit_code} with {fact}", _order_evidence(orders))
    if orders and (unseen := _unseen_end(exit_code, orders, entries)):
        return Judgment.failed(unseen, _order_evidence(orders))
    return Judgment.passed(f"exit {exit_code}; orders: {ended}")


def _not_as_asked(orders: Sequence[Order], asked: Mapping[str, Any]) -> str | None:
    """The first way an order differs from the one the task asked for."""
    for order in orders:
        for name, wanted in asked.items():
            if not _same(order.get(name), wanted):
                return (
                    f"order {order.get('orderId')} has {name} {order.get(name)!r}, "
                    f"but the task asked for {wanted!r}"
                )
    return None


def _same(got: Any, wanted: Any) -> bool:
    """Equal, numbers by value (a size 1000000.0 is the 1000000 asked)."""
    try:
        return Decimal(str(got)) == Decimal(str(wanted))
    except InvalidOperation:
        return str(got) == str(wanted)


def _unseen_end(exit_code: int, orders: Sequence[Order], entries: Sequence[Entry]) -> str | None:
    """Why the exit status was a guess: the client was never shown the end it reported.

    Its order ending as the exit says is luck when no answer it received showed that end
    (one that stopped at RECEIVED or NEW and waited a little, say).
    """
    seen: dict[str, str] = {}
    for entry in entries:
        seen.update(traffic.statuses_shown(entry))
    # Trades for the whole size show a fill as surely as a status does (the STP workflow).
    traded = _traded(entries)
    for order in orders:
        order_id = str(order.get("orderId"))
        if _number(order.get("size"), Decimal("Infinity")) <= traded.get(order_id, Decimal(0)):
            seen[order_id] = "FILLED"
    wanted = {"FILLED"} if exit_code == 0 else traffic.FINAL
    if any(seen.get(str(o.get("orderId"))) in wanted for o in orders):
        return None
    order = next((o for o in orders if o.get("status") in wanted), orders[0])
    order_id = str(order.get("orderId"))
    last = f"it last saw it {seen[order_id]}" if order_id in seen else "it never read it"
    end = "FILLED" if exit_code == 0 else "final"
    return f"exit {exit_code}, but no answer showed order {order_id} {end}: {last}"


def _traded(entries: Sequence[Entry]) -> dict[str, Decimal]:
    """orderId → the amount dealt in the trades the client was shown: an order's trades
    (GET /v2/orders/{id}/trades) and the trade download (GET /v2/trades/stp/messages)."""
    found: dict[str, dict[str, Decimal]] = {}
    for entry in entries:
        of_orders = traffic.is_order_trades(entry) or traffic.is_download(entry)
        body = entry["response"]["body"] if entry["delivered"] and of_orders else None
        for trade in body if isinstance(body, list) else []:
            if isinstance(trade, dict) and "orderId" in trade and "tradeId" in trade:
                by_trade = found.setdefault(str(trade["orderId"]), {})
                by_trade[str(trade["tradeId"])] = _number(trade.get("dealtAmount"), Decimal(0))
    return {order_id: sum(amounts.values(), Decimal(0)) for order_id, amounts in found.items()}


def _number(value: Any, otherwise: Decimal) -> Decimal:
    """A number's value (a string of one too), `otherwise` for anything else."""
    found = traffic.number(value)
    return found if found is not None and found.is_finite() else otherwise


def _last_failure(entries: Sequence[Entry]) -> tuple[Evidence, str] | None:
    """The client's last call, when it failed: what a client that gave up most likely met."""
    if not entries:
        return None
    last = entries[-1]
    status = last["status"]
    if status is None:
        what = "got no answer"
    elif not last["delivered"]:
        what = f"got a cut-off {status} answer"
    elif status >= 400:
        what = f"answered {status}"
    else:
        return None
    note = f"{traffic.operation(last)} {what}"
    return Evidence.of(last, note), note


def _order_evidence(orders: Sequence[Order]) -> list[Evidence]:
    return [
        Evidence(
            int(o.get("transactTime") or 0),
            "ORDER",
            str(o.get("orderId")),
            None,
            None,
            str(o.get("status")),
        )
        for o in orders
    ]
