"""Prose rules generated data must keep: ids never used before, market-data sets, bookings."""

# As hooks.within_order_rules does for orders: a field a schema cannot constrain is put inside
# the rule the spec states in words, and a field that is already invalid is left alone, so a
# negative case stays negative.

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import secrets
import time
import zlib
from typing import Any

from integral_mock.contracts import credentials

# Pairs every org of the sandbox trades (and majors any Integral org will): generated orders and
# bookings use these, so they reach the book instead of stopping at "not provisioned".
TRADED = ("EUR/USD", "USD/JPY", "GBP/USD", "USD/CHF", "AUD/USD", "USD/CAD", "EUR/GBP", "EUR/JPY")
# The spec's Symbol and Currency patterns: a generated value that keeps them is well formed.
SYMBOL = re.compile(r"^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$")
CURRENCY = re.compile(r"^[A-Z0-9]{2,10}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WINDOW = re.compile(r"^(\d{4})-(\d{4})$")
# The tutorial's parties: the sandbox provisions them for the docs' example user.
PUBLISHED_CUSTOMER = ("CustOrg1", "CustOrg1le1")
PUBLISHED_COUNTERPARTY = ("BrokerOrg", "BrokerOrgLE")
MAX_ID = 255
# A live venue keeps every coId and clientRequestId it was ever sent, so live each one the suite
# makes ends in "~", this run's token, "-" and a count. The token starts with the time (hex
# seconds): no later run repeats an earlier one's; its random part tells apart two runs started
# in the same second.
LIVE_RUN = f"{int(time.time()):08x}{secrets.token_hex(2)}"
# The end of every id a live run made, this run's or an earlier one's.
LIVE_SUFFIX = re.compile(r"~[0-9a-f]{12}-[0-9]+$")


class FreshIds:
    """Ids no earlier request of the org used, even on a live server that outlives the run."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def __call__(self, text: str, *, live: bool) -> str:
        # In-process the sandbox is as new as the run, so the count alone is fresh there. A
        # random token would make each run differ: answers echo the id, and Schemathesis draws
        # later requests from what answers held.
        count = next(self.counter)
        suffix = f"~{LIVE_RUN}-{count}" if live else f"~{count}"
        return text[: MAX_ID - len(suffix)] + suffix


fresh_coid, fresh_request_id = FreshIds(), FreshIds()


def made_by_a_live_run(co_id: Any) -> bool:
    """Whether `co_id` is one a live run of the suite made (this run or an earlier one)."""
    return isinstance(co_id, str) and LIVE_SUFFIX.search(co_id) is not None


def base_of(symbol: str) -> str:
    """The base currency of BASE/TERM (currencies run from 2 to 10 characters)."""
    return symbol.partition("/")[0]


def within_market_data_rules(query: dict[str, Any]) -> dict[str, Any]:
    """A regular or end-of-day set without a timeWindow, a regular one without a date, SPOT
    for any other set, and a window whose end comes after its start."""
    query = dict(query)
    wanted = query.get("id")
    if wanted in ("RealTimeMDS", "EndOfDayMDS"):
        query.pop("timeWindow", None)
    if wanted == "RealTimeMDS":
        query.pop("date", None)
    if wanted in ("EndOfDayMDS", "4HProduct") and query.get("tenor") == "1W":
        query["tenor"] = "SPOT"
    window = query.get("timeWindow")
    match = WINDOW.match(window) if isinstance(window, str) else None
    if match and match[1] >= match[2]:
        query["timeWindow"] = "0800-1200"
    if isinstance(query.get("date"), str) and DATE.match(query["date"]):
        query["date"] = _real_date(query["date"])
    return query


def within_booking_rules(body: dict[str, Any], *, live: bool) -> dict[str, Any]:
    """Parties the venue knows, a traded pair dealt in one of its currencies, a rate at the
    pair's precision, real dates in order and a clientRequestId not used before."""
    body = dict(body)
    body.update(_parties(body))
    symbol = body.get("symbol")
    if isinstance(symbol, str) and SYMBOL.match(symbol) and symbol not in TRADED:
        body["symbol"] = symbol = TRADED[zlib.crc32(symbol.encode()) % len(TRADED)]
    dealt = body.get("dealtIns")
    if symbol in TRADED and isinstance(dealt, str) and CURRENCY.match(dealt):
        if dealt not in symbol.split("/"):
            body["dealtIns"] = base_of(symbol)
    rate = body.get("rate")
    if symbol in TRADED and isinstance(rate, int | float) and not isinstance(rate, bool):
        body["rate"] = max(round(float(rate), 3 if "JPY" in symbol else 5), 0.001)
    for name in ("tradeDate", "valueDate"):
        if isinstance(body.get(name), str) and DATE.match(body[name]):
            body[name] = _real_date(body[name])
    trade, value = body.get("tradeDate"), body.get("valueDate")
    if isinstance(trade, str) and isinstance(value, str) and _is_date(trade) and _is_date(value):
        body["tradeDate"], body["valueDate"] = sorted((trade, value))
    if isinstance(body.get("clientRequestId"), str) and body["clientRequestId"]:
        body["clientRequestId"] = fresh_request_id(body["clientRequestId"], live=live)
    return body


def _parties(body: dict[str, Any]) -> dict[str, str]:
    """Customer and counterparty fields the venue accepts, where the body has strings."""
    me = credentials.caller()
    env = os.environ
    own = (me.org, env.get("INTEGRAL_ACCOUNT", me.org))
    counterparty = (
        env.get("INTEGRAL_COUNTERPARTY", PUBLISHED_COUNTERPARTY[0]),
        env.get("INTEGRAL_COUNTERPARTY_ACCOUNT", PUBLISHED_COUNTERPARTY[1]),
    )
    allowed = {own} | ({PUBLISHED_CUSTOMER} if me == credentials.EXAMPLE_LOGIN else set())
    fixed: dict[str, str] = {}
    customer = (body.get("customerOrg"), body.get("customerAccount"))
    if all(isinstance(v, str) and v for v in customer) and customer not in allowed:
        fixed |= {"customerOrg": own[0], "customerAccount": own[1]}
    party = (body.get("counterparty"), body.get("counterpartyAccount"))
    if all(isinstance(v, str) and v for v in party) and party != counterparty:
        fixed |= {"counterparty": counterparty[0], "counterpartyAccount": counterparty[1]}
    return fixed


def _real_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return "2024-10-24"


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and DATE.match(value) is not None
