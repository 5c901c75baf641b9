"""Booked trades (POST /v2/trades): trades done elsewhere, stored as their STP message."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from integral_mock.clock import utc
from integral_mock.config import Config
from integral_mock.errors import BadRequest, Forbidden
from integral_mock.exchange.market.rates import PAIRS, Pair
from integral_mock.exchange.orders.book import FIRST_ORDER_ID
from integral_mock.exchange.orders.fills import fixing_fields, spot_value_date
from integral_mock.exchange.orders.stamps import execution_time
from integral_mock.exchange.sessions import Principal, require_trading
from integral_mock.store import Database, Store

# The published answer's id is FXI30501001: booked ids start there, far below order ids.
FIRST_TRADE_ID = 30_501_001
CHANNELS = {"0": "API/CreditEntry", "1": "API/TradeEntry"}

# The years a date may fall in (the spec's CalendarDate): near 9999 a spot value date a few
# days on, and in the first days of year 1 an NDF's fixing two weekdays back, would not exist.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def _bad(field: str, message: str, code: str = "INVALID_REQUEST") -> BadRequest:
    return BadRequest(
        f"{field}: {message}", code=code, fields=[{"field": field, "message": message}]
    )


class BookedTrades:
    """Books trades for an org (its own, or one its user may act for) and lists them again."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store

    def book(self, principal: Principal, request: dict[str, Any], now_ms: int) -> dict[str, Any]:
        """Check the trade against the provisioned orgs and the pair, store it, answer its id."""
        require_trading(principal)
        self._check_parties(principal, request)
        pair = _pair(request)
        message = _message(principal, request, pair, now_ms)
        try:
            with self.store.transaction() as db:
                self.store.serialize("booked trade ids")  # read the last, then write the next
                trade_id = _next_id(db)
                ids = {"orderId": str(trade_id), "tradeId": f"FXI{trade_id}"}
                # coId is the client's own id: here its clientRequestId, if it sent one.
                message = {
                    **ids,
                    "coId": request.get("clientRequestId") or ids["tradeId"],
                    **message,
                }
                db.execute(
                    "INSERT INTO booked_trades VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        trade_id,
                        principal.org,
                        request["customerOrg"],
                        request.get("clientRequestId"),
                        json.dumps(message),
                        now_ms,
                    ),
                )
        except self.store.conflicts:
            raise _bad("clientRequestId", "already used by this org", "DUPLICATE_REQUEST") from None
        answer = {"tradeId": message["tradeId"], "createdTime": message["executionTime"]}
        if "clientRequestId" in request:
            answer["clientRequestId"] = request["clientRequestId"]
        return answer

    def _check_parties(self, principal: Principal, request: dict[str, Any]) -> None:
        customer = request["customerOrg"]
        user = self.config.find_user(principal.user, principal.org)
        if customer != principal.org and (user is None or customer not in user.on_behalf_of):
            raise Forbidden(f"User {principal.full_name} may not book trades for org {customer}")
        for org_field, account_field in (
            ("customerOrg", "customerAccount"),
            ("counterparty", "counterpartyAccount"),
        ):
            org = self.config.find_org(request[org_field])
            if org is None:
                raise _bad(org_field, f"{request[org_field]} is not an org of this venue")
            if request[account_field] not in org.accounts:
                message = f"{request[account_field]} is not a legal entity of {org.name}"
                raise _bad(account_field, message)


def booked_messages(store: Store, org: str) -> list[tuple[int, dict[str, Any]]]:
    """(booked at, STP message with event NEW) of each trade booked by or for `org`."""
    return _messages(store, "", (org, org))


def booked_undelivered(store: Store, org: str, limit: int) -> list[tuple[int, dict[str, Any]]]:
    """The first `limit` of them that the org's downloads have not handed out yet."""
    return _messages(store, f"AND NOT {_DELIVERED}", (org, org, org), f"LIMIT {int(limit)}")


def booked_delivered(store: Store, org: str) -> list[tuple[int, dict[str, Any]]]:
    """Those of them that the org's downloads have handed out."""
    return _messages(store, f"AND {_DELIVERED}", (org, org, org))


def booked_message(store: Store, org: str, trade_id: int) -> dict[str, Any] | None:
    """The STP message of one trade booked by or for `org`, if there is one."""
    found = _messages(store, "AND trade_id = ?", (org, org, trade_id))
    return found[0][1] if found else None


_DELIVERED = "EXISTS (SELECT 1 FROM trade_deliveries d WHERE d.org = ? AND d.order_id = trade_id)"


def _messages(
    store: Store, where: str, params: tuple[object, ...], limit: str = ""
) -> list[tuple[int, dict[str, Any]]]:
    rows = store.query(
        f"SELECT created_ms, message FROM booked_trades WHERE (org = ? OR customer_org = ?) "
        f"{where} ORDER BY created_ms, trade_id {limit}",
        params,
    )
    return [(row["created_ms"], json.loads(row["message"])) for row in rows]


def _next_id(db: Database) -> int:
    """After every id booked or handed out so far, the latter kept by a customer org whose
    booking org was reset: a reused id would count as already downloaded there."""
    last = db.execute(
        "SELECT MAX(id) FROM (SELECT MAX(trade_id) AS id FROM booked_trades "
        "UNION ALL SELECT MAX(order_id) FROM trade_deliveries WHERE order_id < ? "
        "UNION ALL SELECT MAX(order_id) FROM trade_resends WHERE order_id < ?) AS ids",
        (FIRST_ORDER_ID, FIRST_ORDER_ID),
    ).fetchone()[0]
    return FIRST_TRADE_ID if last is None else int(last) + 1


def _pair(request: dict[str, Any]) -> Pair:
    pair = PAIRS.get(request["symbol"])
    if pair is None:
        raise _bad("symbol", f"{request['symbol']} is not a pair this venue prices")
    if request["dealtIns"] not in (pair.base, pair.term):
        raise _bad("dealtIns", f"{request['dealtIns']} is neither side of {pair.symbol}")
    # Published: "trades with rates of higher precision than the pair's convention are rejected".
    exponent = Decimal(str(request["rate"])).normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > pair.decimals:
        raise _bad("rate", f"{pair.symbol} rates have at most {pair.decimals} decimals")
    return pair


def _message(
    principal: Principal, request: dict[str, Any], pair: Pair, now_ms: int
) -> dict[str, Any]:
    """The trade's STP message, as the download will show it (ids added once stored)."""
    trade_date = _date(request, "tradeDate", utc(now_ms).date())
    spot = spot_value_date(pair, trade_date)
    value_date = _date(request, "valueDate", spot)
    # Only the caller's own dates can disagree: a default trade date is no claim of its own.
    if "tradeDate" in request and value_date < trade_date:
        raise _bad("valueDate", "must not be before tradeDate")
    dealt, rate = Decimal(str(request["dealtAmount"])), Decimal(str(request["rate"]))
    settled = dealt * rate if request["dealtIns"] == pair.base else dealt / rate
    optional: dict[str, Any] = {
        k: request[k] for k in ("counterpartyAccount", "rateId") if k in request
    }
    return {
        "event": "NEW",
        "tradeType": request["type"],
        "tradeDate": trade_date.isoformat(),
        "valueDate": value_date.isoformat(),
        "maker": False,  # a booked trade records a deal; the sandbox decides neither side made it
        "side": request["side"].capitalize(),  # published in capitals ("SELL") as well
        "status": "Verified",
        "symbol": pair.symbol,
        "currency": request["dealtIns"],
        "customerAccount": request["customerAccount"],
        "customerOrg": request["customerOrg"],
        "user": principal.full_name,
        "counterparty": request["counterparty"],
        "channel": CHANNELS[request["channel"]],
        "executionTime": execution_time(now_ms),
        "dealtAmount": request["dealtAmount"],
        "rate": request["rate"],
        "settledAmount": float(round(settled, 2)),
        # The parties are orgs, known by one name: the long name is that name.
        "counterpartyLongName": request["counterparty"],
        **optional,
        **(fixing_fields(value_date, spot) if request["type"] == "NDF" else {}),
    }


def _date(request: dict[str, Any], field: str, default: dt.date) -> dt.date:
    if field not in request:
        return default
    try:
        date = dt.date.fromisoformat(request[field])
    except ValueError:
        raise _bad(field, "must be a calendar date, yyyy-MM-dd") from None
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise _bad(field, f"must be a date from {FIRST_YEAR} to {LAST_YEAR}")
    return date
