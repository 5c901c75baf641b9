"""Our check that an order's fill fields agree with its size, its status and its quote."""

# Published (the WebSocket order object, whose names the query answer uses): `cumQty` is what
# the order filled so far and `leavesQty` what is left of its `size`, both in the dealt
# currency; FILLED is a full fill, and the transitions table lets no order with a fill end
# REJECTED. integral-api.md decides that a query answer carries the fill fields once the order
# has a fill, and a PQ order trades at its quoted `price`; a Limit order fills "when the market
# crosses the limit", so never at a price worse than its own. A cancelled or expired order is not
# judged on `leavesQty` (FIX sets it to 0 there, the sandbox leaves what was unfilled).
# Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import checks
from integral_mock.contracts.answer_checks import number

# Statuses whose order has not traded: any cumQty they show is 0.
UNFILLED = frozenset({checks.RECEIVED, checks.REJECTED})
# Statuses where what is filled and what is left make up the whole size.
LEAVES_ADD_UP = frozenset({checks.RECEIVED, checks.NEW, checks.PARTIALLY_FILLED, checks.FILLED})


def order_fill_adds_up(ctx: CheckContext, response: Response, case: Case) -> None:
    """Every order answered: 0 <= cumQty <= size; FILLED has cumQty == size, PARTIALLY_FILLED
    less but some, NEW less, RECEIVED and REJECTED none; a working or filled order's cumQty
    plus leavesQty is its size; a filled PQ order's averagePrice is its quoted price, a Limit
    order's no worse than its price."""
    for order in checks.orders_in(response, case):
        fill_agrees_with_order(order)


def fill_agrees_with_order(order: dict[str, Any]) -> None:
    size, status = number(order.get("size")), order.get("status")
    if size is None:
        return  # a wrong type or a missing size: the schema check says so
    name = "order_fill_adds_up"
    where = f"{name}: {status} order {order.get('orderId')} of size {size}"
    cum = number(order.get("cumQty"))
    if status in (checks.FILLED, checks.PARTIALLY_FILLED):
        assert cum is not None, f"{where} carries no cumQty"
    if cum is None:
        return
    assert 0 <= cum <= size, f"{where} has cumQty {cum}"
    assert status not in UNFILLED or cum == 0, f"{where} has cumQty {cum}"
    assert status != checks.FILLED or cum == size, f"{where} filled only {cum}"
    assert status != checks.PARTIALLY_FILLED or 0 < cum < size, f"{where} has cumQty {cum}"
    assert status != checks.NEW or cum < size, f"{where} has filled all of it (cumQty {cum})"
    leaves = number(order.get("leavesQty"))
    if status in LEAVES_ADD_UP and leaves is not None:
        assert cum + leaves == size, f"{where} has cumQty {cum} and leavesQty {leaves}"
    _pq_fills_at_its_price(order, where)
    _limit_fills_at_its_price_or_better(order, where)


def _pq_fills_at_its_price(order: dict[str, Any], where: str) -> None:
    """A PQ order deals at the price it was quoted, or not at all."""
    price, average = number(order.get("price")), number(order.get("averagePrice"))
    if order.get("type") != "PQ" or order.get("status") != checks.FILLED:
        return
    if price is not None and average is not None:
        assert average == price, f"{where}, a PQ at {price}, filled at {average}"


def _limit_fills_at_its_price_or_better(order: dict[str, Any], where: str) -> None:
    """A Limit order that bought the base paid at most its price; one that sold it got at
    least its price (buying the term currency sells the base)."""
    price, average = number(order.get("price")), number(order.get("averagePrice"))
    if order.get("type") != "Limit" or price is None or average is None:
        return
    symbol = order.get("symbol")
    if number(order.get("cumQty")) in (None, 0) or not isinstance(symbol, str):
        return
    buys_base = (order.get("side") == "Buy") == (order.get("currency") == symbol.split("/")[0])
    worse = average > price if buys_base else average < price
    side = "buy" if buys_base else "sell"
    assert not worse, f"{where}, a Limit {side} of the base at {price}, filled at {average}"
