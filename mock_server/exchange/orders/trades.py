"""Trade download (STP messages): each filled order's trade, handed out once, resendable."""

from __future__ import annotations

import sqlite3
from typing import Any

from integral_mock.clock import utc
from integral_mock.errors import BadRequest, NotFound
from integral_mock.exchange.orders.book import OrderBook
from integral_mock.exchange.orders.booked_trades import booked_messages
from integral_mock.exchange.orders.lifecycle import FINAL
from integral_mock.exchange.orders.stamps import execution_time
from integral_mock.exchange.orders.stamps import parse_execution_time as parse_execution_time
from integral_mock.store import Store


def trade_message(order: dict[str, Any], event: str) -> dict[str, Any]:
    """The STP message of a filled order, from the order as the API renders it."""
    return {
        "orderId": order["orderId"],
        "tradeId": f"FXI{order['orderId']}",  # Integral's shape: FXI9369258100
        "coId": order["coId"],
        "event": event,
        "tradeType": "Spot",
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
        "channel": "API/REST/ESP",  # every order meets the streamed (ESP) prices
        "executionTime": execution_time(order["transactTime"]),
        "dealtAmount": order["cumQty"],
        "rate": order["averagePrice"],
        "settledAmount": order["settlCurrAmt"],
    }


class TradeDesk:
    """Hands out each org's trades once, oldest first, then any queued resends.

    An org's trades are its orders' (final, with a fill) and those booked by or for it.
    """

    def __init__(self, store: Store, book: OrderBook) -> None:
        self.store = store
        self.book = book

    def _traded(self, org: str, now_ms: int) -> dict[int, dict[str, Any]]:
        """Trade messages (event NEW) by order or booked-trade id, in execution order."""
        timed = []
        for row in self.book.rows(org):
            order = self.book.read(row, now_ms, count_poll=False)
            if order["status"] in FINAL and "cumQty" in order:
                timed.append((order["transactTime"], row["order_id"], trade_message(order, "NEW")))
        timed += [(at, int(m["orderId"]), m) for at, m in booked_messages(self.store, org)]
        return {key: message for _, key, message in sorted(timed, key=lambda t: t[:2])}

    def trades(self, org: str, now_ms: int) -> list[dict[str, Any]]:
        """Every trade of `org` as its STP message, oldest first; reading them consumes none."""
        return list(self._traded(org, now_ms).values())

    def messages(self, org: str, now_ms: int, max_count: int) -> list[dict[str, Any]]:
        """Up to `max_count` trades not downloaded before; reading them consumes them."""
        traded = self._traded(org, now_ms)
        with self.store.transaction() as db:
            delivered = _ids(db, "SELECT order_id FROM trade_deliveries WHERE org = ?", org)
            fresh = [oid for oid in traded if oid not in delivered][:max_count]
            db.executemany(
                "INSERT INTO trade_deliveries VALUES (?, ?)", [(org, oid) for oid in fresh]
            )
            resent = db.execute(
                "SELECT seq, order_id FROM trade_resends WHERE org = ? ORDER BY seq LIMIT ?",
                (org, max_count - len(fresh)),
            ).fetchall()
            db.executemany("DELETE FROM trade_resends WHERE seq = ?", [(r[0],) for r in resent])
        return [traded[oid] for oid in fresh] + [
            {**traded[r[1]], "event": "RESEND"} for r in resent if r[1] in traded
        ]

    def resend(self, org: str, now_ms: int, start_ms: int, end_ms: int) -> int:
        """Queue again every downloaded trade whose tradeDate is in the range; 404 if none.

        As published, only trades downloaded before are resent, chosen by trade date: the
        range covers the UTC dates from its start's to its end's (a sandbox decision).
        """
        if start_ms > end_ms:
            message = "startDate is after endDate"
            raise BadRequest(message, fields=[{"field": "startDate", "message": message}])
        first, last = (utc(start_ms).date().isoformat(), utc(end_ms).date().isoformat())
        traded = self._traded(org, now_ms)
        with self.store.transaction() as db:
            delivered = _ids(db, "SELECT order_id FROM trade_deliveries WHERE org = ?", org)
            queued = _ids(db, "SELECT order_id FROM trade_resends WHERE org = ?", org)
            chosen = [
                oid
                for oid, trade in traded.items()
                if oid in delivered and first <= trade["tradeDate"] <= last
            ]
            if not chosen:
                raise NotFound(
                    "No downloaded trade has a trade date in that range", code="NO_TRADES"
                )
            # A trade already queued is not queued twice: it comes back once per resend.
            db.executemany(
                "INSERT INTO trade_resends (org, order_id) VALUES (?, ?)",
                [(org, oid) for oid in chosen if oid not in queued],
            )
        return len(chosen)


def _ids(db: sqlite3.Connection, sql: str, org: str) -> set[int]:
    return {row[0] for row in db.execute(sql, (org,))}
