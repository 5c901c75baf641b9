"""Trade download (STP messages): each filled order's trade, handed out once, resendable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from integral_mock.clock import utc
from integral_mock.errors import BadRequest, NotFound
from integral_mock.exchange.market.rates import PAIRS
from integral_mock.exchange.orders.book import FIRST_ORDER_ID
from integral_mock.exchange.orders.booked_trades import (
    booked_delivered,
    booked_message,
    booked_messages,
    booked_undelivered,
)
from integral_mock.exchange.orders.fills import fixing_fields, spot_value_date
from integral_mock.exchange.orders.lifecycle import FINAL
from integral_mock.exchange.orders.lists import OrderLists
from integral_mock.exchange.orders.stamps import execution_time
from integral_mock.exchange.orders.stamps import parse_execution_time as parse_execution_time
from integral_mock.store import Row, Store


def trade_message(order: dict[str, Any], event: str) -> dict[str, Any]:
    """The STP message of a filled order, from the order as the API renders it."""
    return {
        "orderId": order["orderId"],
        "tradeId": f"FXI{order['orderId']}",  # Integral's shape: FXI9369258100
        "coId": order["coId"],
        "event": event,
        **_kind_fields(order),
        "tradeDate": order["tradeDate"],
        "valueDate": order["valueDate"],
        # The org takes the providers' quotes; nobody in the sandbox takes the org's orders.
        "maker": False,
        "side": order["side"],
        "status": "Verified",
        "symbol": order["symbol"],
        "currency": order["currency"],
        "rateId": order.get("rateId"),
        "customerAccount": order.get("account", order["org"]),
        "customerOrg": order["org"],
        "user": order["userFullName"],
        "counterparty": order["counterParty"],
        # The sandbox names each provider once: its long name is that name.
        "counterpartyLongName": order["counterParty"],
        "channel": "API/REST/ESP",  # every order meets the streamed (ESP) prices
        "executionTime": execution_time(order["transactTime"]),
        "dealtAmount": order["cumQty"],
        "rate": order["averagePrice"],
        "settledAmount": order["settlCurrAmt"],
    }


def _kind_fields(order: dict[str, Any]) -> dict[str, Any]:
    """tradeType, and an NDF's fixing: NDF by priceType, Outright past the spot date."""
    value = dt.date.fromisoformat(order["valueDate"])
    spot = spot_value_date(PAIRS[order["symbol"]], dt.date.fromisoformat(order["tradeDate"]))
    if order.get("priceType") == "NDF":
        return {"tradeType": "NDF", **fixing_fields(value, spot)}
    return {"tradeType": "Spot" if value <= spot else "Outright"}


# (execution time, order or booked-trade id, STP message): trades sort by the first two.
Timed = tuple[int, int, dict[str, Any]]
_DAY_MS = 86_400_000


class TradeDesk:
    """Hands out each org's trades once, oldest first, then any queued resends.

    An org's trades are its orders' (final, with a fill) and those booked by or for it. Which
    orders those are, and which of them went out already, the listing index says (lists.py).
    """

    def __init__(self, store: Store, lists: OrderLists) -> None:
        self.store = store
        self.lists = lists
        self.book = lists.book

    def _of_orders(self, rows: Iterable[Row], now_ms: int) -> list[Timed]:
        timed = []
        for row in rows:
            order = self.book.read(row, now_ms, count_poll=False)
            # The index chose them; the status derived on read has the last word.
            if order["status"] in FINAL and "cumQty" in order:
                timed.append((order["transactTime"], row["order_id"], trade_message(order, "NEW")))
        return timed

    @staticmethod
    def _of_booked(booked: Iterable[tuple[int, dict[str, Any]]]) -> list[Timed]:
        return [(at, int(message["orderId"]), message) for at, message in booked]

    def trades(self, org: str, now_ms: int) -> list[dict[str, Any]]:
        """Every trade of `org` as its STP message, oldest first; reading them consumes none."""
        timed = self._of_orders(self.lists.traded_rows(org, now_ms), now_ms)
        timed += self._of_booked(booked_messages(self.store, org))
        return [message for _, _, message in sorted(timed, key=lambda t: t[:2])]

    def of_order(self, row: Row, now_ms: int) -> list[dict[str, Any]]:
        """The trades of the order in `row` (its one trade once final with a fill), as NEW."""
        return [message for _, _, message in self._of_orders([row], now_ms)]

    def messages(self, org: str, now_ms: int, max_count: int) -> list[dict[str, Any]]:
        """Up to `max_count` trades not downloaded before; reading them consumes them."""
        # One write transaction from choosing to marking, under the org's download lock: no
        # other download, of this worker, another or another replica, hands out the same trade.
        with self.store.transaction() as db:
            self.store.serialize(f"trade download {org}")
            timed = self._of_orders(self.lists.undelivered_rows(org, now_ms, max_count), now_ms)
            timed += self._of_booked(booked_undelivered(self.store, org, max_count))
            fresh = sorted(timed, key=lambda t: t[:2])[:max_count]
            ids = [oid for _, oid, _ in fresh]
            db.executemany("INSERT INTO trade_deliveries VALUES (?, ?)", [(org, i) for i in ids])
            self.lists.mark_delivered(db, org, ids)
            resent = db.execute(
                "SELECT seq, order_id FROM trade_resends WHERE org = ? ORDER BY seq LIMIT ?",
                (org, max_count - len(fresh)),
            ).fetchall()
            db.executemany("DELETE FROM trade_resends WHERE seq = ?", [(r[0],) for r in resent])
        again = [self._message(org, r[1], now_ms) for r in resent]
        return [message for _, _, message in fresh] + [
            {**message, "event": "RESEND"} for message in again if message is not None
        ]

    def _message(self, org: str, trade_id: int, now_ms: int) -> dict[str, Any] | None:
        """One trade of the org as it stands (None if it is gone, with a reset org, say)."""
        if trade_id < FIRST_ORDER_ID:
            return booked_message(self.store, org, trade_id)
        try:
            row = self.book.by_id(org, str(trade_id))
        except NotFound:
            return None
        found = self._of_orders([row], now_ms)
        return found[0][2] if found else None

    def resend(self, org: str, now_ms: int, start_ms: int, end_ms: int) -> int:
        """Queue again every downloaded trade whose tradeDate is in the range; 404 if none.

        As published, only trades downloaded before are resent, chosen by trade date: the
        range covers the UTC dates from its start's to its end's (a sandbox decision).
        """
        if start_ms > end_ms:
            message = "startDate is after endDate"
            raise BadRequest(message, fields=[{"field": "startDate", "message": message}])
        first, last = (utc(start_ms).date().isoformat(), utc(end_ms).date().isoformat())
        # An order's tradeDate is the UTC date of its trade time, so the dates are a range of it.
        since, until = start_ms - start_ms % _DAY_MS, end_ms - end_ms % _DAY_MS + _DAY_MS
        timed = self._of_orders(self.lists.delivered_rows(org, since, until), now_ms)
        timed += [
            t
            for t in self._of_booked(booked_delivered(self.store, org))
            if first <= t[2]["tradeDate"] <= last
        ]
        chosen = [oid for _, oid, _ in sorted(timed, key=lambda t: t[:2])]
        if not chosen:
            raise NotFound("No downloaded trade has a trade date in that range", code="NO_TRADES")
        with self.store.transaction() as db:
            self.store.serialize(f"trade download {org}")  # no download between check and queue
            queued = {
                r[0] for r in db.execute("SELECT order_id FROM trade_resends WHERE org = ?", (org,))
            }
            # A trade already queued is not queued twice: it comes back once per resend.
            db.executemany(
                "INSERT INTO trade_resends (org, order_id) VALUES (?, ?)",
                [(org, oid) for oid in chosen if oid not in queued],
            )
        return len(chosen)
