"""Our checks of the STP trade download, from Integral's published download and resend pages."""

# Published: a download returns trades not downloaded before and consumes what it returns
# (clients poll until the answer is empty); a resend marks previously downloaded trades of a
# trade-date range for download again, and they come back with `event: RESEND`. A real venue
# may book one order as several trades (one per partial fill), so the checks take an order's
# trades as a set; in-process the test says how many there must be (the sandbox books one per
# fill). Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

NEW, RESEND = "NEW", "RESEND"
Trades = list[dict[str, Any]]


def trades_of(order_id: str, messages: Trades) -> Trades:
    return [m for m in messages if str(m.get("orderId")) == order_id]


def dealt(trades: Trades) -> Decimal:
    """What `trades` dealt together, in the dealt currency."""
    return sum((Decimal(str(t.get("dealtAmount"))) for t in trades), Decimal(0))


def dealing_at_least(amount: Any) -> Callable[[Trades], bool]:
    """Whether an order's trades seen so far deal `amount` (its cumQty): all of them are in."""
    return lambda trades: bool(trades) and dealt(trades) >= Decimal(str(amount))


def holding(trades: Trades) -> Callable[[Trades], bool]:
    """Whether an order's trades seen so far name every tradeId of `trades`."""
    wanted = {t.get("tradeId") for t in trades}
    return lambda found: wanted <= {t.get("tradeId") for t in found}


def filled_order_is_downloaded_once_as_new(
    order_id: str, first: Trades, again: Trades, *, exactly: int | None = None
) -> Trades:
    """A filled order's trades come in one download as NEW, each once, and a later download has
    none of them. `exactly`: how many trades the order must be (None: any number but none)."""
    name = "filled_order_is_downloaded_once_as_new"
    ours = trades_of(order_id, first)
    if exactly is not None:
        assert len(ours) == exactly, (
            f"{name}: order {order_id} came as {len(ours)} trades: {ours!r}"
        )
    assert ours, f"{name}: order {order_id} came as no trade"
    for trade in ours:
        event = trade.get("event")
        assert event == NEW, f"{name}: order {order_id}'s trade {trade.get('tradeId')} is {event!r}"
    ids = _trade_ids(ours)
    assert len(set(ids)) == len(ids), f"{name}: order {order_id}'s trades repeat: {ids}"
    repeated = trades_of(order_id, again)
    assert not repeated, f"{name}: order {order_id}'s trade was downloaded again: {repeated!r}"
    return ours


def resent_trade_comes_back_as_resend(
    trades: Trades, after: Trades, *, exactly: int | None = None
) -> None:
    """After a resend of their trade dates, the same trades are downloaded again, each once, as
    RESEND. `exactly`: how many must come back (None: as many as `trades`)."""
    name = "resent_trade_comes_back_as_resend"
    order_id = str(trades[0].get("orderId"))
    ours = trades_of(order_id, after)
    if exactly is not None:
        assert len(ours) == exactly, (
            f"{name}: order {order_id} came back as {len(ours)} trades: {ours!r}"
        )
    for again in ours:
        assert again.get("event") == RESEND, f"{name}: it came back as {again.get('event')!r}"
    sent, back = sorted(_trade_ids(trades)), sorted(_trade_ids(ours))
    assert back == sent, f"{name}: it came back as trades {back!r}, not {sent!r}"


def resend_leaves_trades_never_downloaded_alone(order_id: str, downloaded: Trades) -> None:
    """A trade a resend found not yet downloaded still comes once, as NEW: the resend marks
    previously downloaded trades only."""
    ours = trades_of(order_id, downloaded)
    events = [(t.get("tradeId"), t.get("event")) for t in ours]
    ids = _trade_ids(ours)
    where = f"resend_leaves_trades_never_downloaded_alone: order {order_id}, resent before its"
    assert all(event == NEW for _, event in events), f"{where} first download, came as {events}"
    assert len(set(ids)) == len(ids), f"{where} first download, came as {events}"


def trade_says_what_its_order_dealt(trades: Trades, order: dict[str, Any]) -> None:
    """Each of a fill's trades names its order's coId, symbol, side, dealt currency, customer
    org (the order's `org`), trade and value dates, user (its placer) and, for a PQ order, its
    rateId, and a one-fill order's counterParty; together they deal what the order filled
    (`dealtAmount` is in the dealt currency, as the order's size)."""
    name = "trade_says_what_its_order_dealt"
    # Published trade fields: `rateId` (PQ), `customerOrg`; the order's `org` is whom it is for.
    named = [("coId", "coId"), ("symbol", "symbol"), ("currency", "currency")]
    named += [("customerOrg", "org")] + ([("rateId", "rateId")] if order.get("rateId") else [])
    for trade in trades:
        for field, of_order in named:
            assert trade.get(field) == order.get(of_order), (
                f"{name}: the trade's {field} is {trade.get(field)!r}, "
                f"the order's {of_order} {order.get(of_order)!r}"
            )
        # The placer, as its user@org or the user alone; a one-fill order's counterParty.
        placer, user = str(order.get("userFullName") or ""), trade.get("user")
        assert not placer or user is None or user in (placer, placer.partition("@")[0]), (
            f"{name}: the trade's user is {user!r}, the order was placed by {placer!r}"
        )
        party, filled_with = trade.get("counterparty"), order.get("counterParty")
        assert len(trades) > 1 or None in (party, filled_with) or party == filled_with, (
            f"{name}: the trade's counterparty is {party!r}, its order's fill {filled_with!r}"
        )
        side = str(trade.get("side", "")).lower()  # bookings publish SELL, orders Sell
        assert side == str(order.get("side")).lower(), f"{name}: the trade's side is {side!r}"
        # yyyy-MM-dd or yyyyMMdd, the same day; one order's several fills may span midnight.
        for day in ("tradeDate", "valueDate") if len(trades) == 1 else ("valueDate",):
            got, of_order = (_digits(x.get(day)) for x in (trade, order))
            assert not got or not of_order or got == of_order, (
                f"{name}: the trade's {day} is {trade.get(day)!r}, the order's {order.get(day)!r}"
            )
    total, filled = dealt(trades), Decimal(str(order.get("cumQty")))
    assert total == filled, f"{name}: the trades dealt {total}, the order filled {filled}"


def order_trades_are_its_downloaded_trades(
    own: Trades, downloaded: Trades, order: dict[str, Any]
) -> None:
    """A filled order's own trades (GET /v2/orders/{id}/trades) are the trades the download
    hands out for it, and deal what it filled."""
    name = "order_trades_are_its_downloaded_trades"
    order_id = str(order.get("orderId"))
    total, filled = dealt(own), Decimal(str(order.get("cumQty")))
    assert total == filled, f"{name}: order {order_id}'s trades deal {total}, it filled {filled}"
    mine, handed = sorted(_trade_ids(own)), sorted(_trade_ids(trades_of(order_id, downloaded)))
    assert mine == handed, f"{name}: order {order_id} has trades {mine}, the download {handed}"


def download_is_the_orgs_own(order_id: str, downloaded: Trades) -> None:
    """The org's download never hands out another org's trade (here: of order `order_id`)."""
    theirs = trades_of(order_id, downloaded)
    assert not theirs, (
        f"download_is_the_orgs_own: another org's order {order_id} came in the download as "
        f"trades {_trade_ids(theirs)}"
    )


def _digits(date: Any) -> str:
    return "".join(c for c in date if c.isdigit()) if isinstance(date, str) else ""


def _trade_ids(trades: Trades) -> list[str]:
    return [str(t.get("tradeId")) for t in trades]
