"""Reading journal entries: which operation, which order, whether an answer was ambiguous."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

from integral_mock.conformance.verdicts import Entry

LOGIN = "/v2/sso/login"
RENEW_PATHS = ("/v2/sso/token/renew", "/v2/sso/tokens/renew")
ORDERS = "/v2/orders"
RATES = "/v2/rates/"
TRADE_MESSAGES = "/v2/trades/stp/messages"
FINAL = frozenset({"FILLED", "REJECTED", "EXPIRED", "CANCELLED"})
TOKEN_ERRORS = frozenset({"TOKEN_EXPIRED", "TOKEN_INVALID"})
# A HEAD is a read without the body: polling an order with it is polling it (even refused).
READS = frozenset({"GET", "HEAD"})
_ORDER_ID = re.compile(r"^/v2/orders/([^/]+)$")
_ORDER_TRADES = re.compile(r"^/v2/orders/([^/]+)/trades$")


def wall_ms(entry: Entry) -> int:
    """When the request came, in real time: what a client's pacing is judged by.

    Its `time` is the sandbox's clock, which a test may hold still or jump (a manual clock);
    how often a client polls or retries is a matter of the time it really waited.
    """
    wall = entry.get("wallTime")
    return int(wall if wall is not None else entry["time"])


def in_sending_order(entries: Sequence[Entry]) -> list[Entry]:
    """The entries by when each request came, renumbered 1, 2, … in that order.

    The journal numbers an entry when its answer ends, so a request held by a hang is
    numbered after every call the client made while it waited; the rules read `id` as
    "sent later", which is the order of arrival.
    """
    ordered = sorted(entries, key=lambda e: (wall_ms(e), e["id"]))
    return [{**e, "id": n} for n, e in enumerate(ordered, 1)]


def operation(entry: Entry) -> str:
    """Method and path template: polls of different orders are one operation."""
    return f"{entry['method']} {_ORDER_ID.sub('/v2/orders/{id}', entry['path'])}"


def limited_as(entry: Entry) -> str:
    """What a Retry-After on this call holds back: its operation, every way of reading
    orders (by orderId, by coId, the active list) being one, as they read the same orders,
    and every way of reading rates (the spot rate, a FULL or RAW book) one, as one service
    quotes them."""
    if entry["method"] not in READS:
        return operation(entry)
    if entry["path"] == ORDERS or _ORDER_ID.match(entry["path"]):
        return "reads of orders"
    return "reads of rates" if entry["path"].startswith(RATES) else operation(entry)


def is_login(entry: Entry) -> bool:
    return bool(entry["method"] == "POST" and entry["path"] == LOGIN)


def is_renew(entry: Entry) -> bool:
    return bool(entry["path"] in RENEW_PATHS)


def is_order_trades(entry: Entry) -> bool:
    """A read of one order's trades (GET /v2/orders/{id}/trades): a look, consuming nothing."""
    return bool(entry["method"] in READS and _ORDER_TRADES.match(entry["path"]))


def is_download(entry: Entry) -> bool:
    """A read of the trade download (GET /v2/trades/stp/messages), which consumes what it hands."""
    return bool(entry["method"] in READS and entry["path"] == TRADE_MESSAGES)


def is_placement(entry: Entry) -> bool:
    return bool(entry["method"] == "POST" and entry["path"] == ORDERS)


def ambiguous(entry: Entry) -> bool:
    """No answer the client could trust: the connection dropped, cut short, or a 5xx."""
    status = entry["status"]
    return status is None or not entry["delivered"] or status >= 500


def failed(entry: Entry) -> bool:
    """A failure worth retrying: a 5xx, a 429, or no (whole) answer."""
    return ambiguous(entry) or entry["status"] == 429


def number(value: Any) -> Decimal | None:
    """A journaled JSON value as a number (a string of one too); None if it is none."""
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def answer(entry: Entry) -> dict[str, Any] | None:
    """The response body the client received, when it received a JSON object."""
    body = entry["response"]["body"]
    return body if entry["delivered"] and isinstance(body, dict) else None


def sent(entry: Entry) -> dict[str, Any] | None:
    """The request body, when it was a JSON object."""
    body = entry["request"]["body"]
    return body if isinstance(body, dict) else None


def headers(entry: Entry, side: str = "request") -> dict[str, str]:
    """Headers with names lowercased and `-` as `_` (SSO_TOKEN arrives as Sso-Token)."""
    raw: dict[str, str] = entry[side]["headers"]
    return {k.lower().replace("-", "_"): v for k, v in raw.items()}


def query(entry: Entry) -> dict[str, list[str]]:
    return parse_qs(entry["query"] or "", keep_blank_values=True)


def retry_after_ms(entry: Entry) -> int | None:
    """The Retry-After of a 429 or 503, in ms (seconds form only, as the sandbox sends)."""
    value = headers(entry, "response").get("retry_after", "").strip()
    if entry["status"] not in (429, 503) or not value.isdigit():
        return None
    return int(value) * 1000


def order_reads(entries: Sequence[Entry]) -> Iterator[tuple[str, Entry]]:
    """(order key, entry) for every read (GET, HEAD) of one order, and ("active", e) for the
    active list.

    The key is the server orderId; a read by coId is mapped to it through any answer that
    named both, else keyed `coId:<coId>`.
    """
    by_coid = coid_index(entries)
    for entry in entries:
        if entry["method"] not in READS:
            continue
        if match := _ORDER_ID.match(entry["path"]):
            yield match.group(1), entry
        elif entry["path"] == ORDERS:
            coids = query(entry).get("coId")
            if coids:
                yield by_coid.get(coids[0], f"coId:{coids[0]}"), entry
            else:
                yield "active", entry


def order_cancels(entries: Sequence[Entry]) -> Iterator[tuple[str, Entry]]:
    """(orderId, entry) for every cancel of one order (DELETE /v2/orders/{id})."""
    for entry in entries:
        if entry["method"] == "DELETE" and (match := _ORDER_ID.match(entry["path"])):
            yield match.group(1), entry


def coid_index(entries: Sequence[Entry]) -> dict[str, str]:
    """coId → orderId, from every answer that carried both."""
    found: dict[str, str] = {}
    for entry in entries:
        body = entry["response"]["body"]
        for item in body if isinstance(body, list) else [body]:
            if isinstance(item, dict) and "coId" in item and "orderId" in item:
                found[str(item["coId"])] = str(item["orderId"])
    return found


def statuses_shown(entry: Entry) -> list[tuple[str, str]]:
    """(orderId, status) of each order a delivered answer about orders showed.

    Only answers of the order endpoints: a trade message carries an orderId and a status
    too (`Verified`), which says nothing of the order's own status.
    """
    about_orders = entry["path"] == ORDERS or _ORDER_ID.match(entry["path"])
    body = entry["response"]["body"] if entry["delivered"] and about_orders else None
    items = body if isinstance(body, list) else [body]
    return [
        (str(i["orderId"]), str(i["status"]))
        for i in items
        if isinstance(i, dict) and "orderId" in i and "status" in i
    ]
