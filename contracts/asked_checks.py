"""Our checks that an answer is of what was asked: positions of the filter, an order's trades."""

# Published (rest/positions/getpositions): positions take an optional `symbol`, `level` and
# `value`; the spec's `value` keeps "only the positions whose `levelValue` is this". Positions
# asked for by any of them are of that pair, at that level, of that level's value (children,
# one level down, are not the ones asked for). An order's trades (GET /v2/orders/{id}/trades,
# "query all trades on an order by ID") are trades of that order, oldest first. Failures are
# AssertionErrors whose message starts with the property's name.

from __future__ import annotations

import datetime as dt
from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import checks

POSITIONS, ORDER_TRADES = "/v2/positions", "/v2/orders/{id}/trades"
# A filter and the position field it keeps to.
POSITION_FILTERS = (("symbol", "symbol"), ("level", "level"), ("value", "levelValue"))
EXECUTION_TIME = "%Y-%m-%d %H:%M:%S,%f %z"


def positions_are_the_ones_asked(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 of /v2/positions holds positions of the `symbol`, `level` and `value` asked only."""
    if case.operation.path != POSITIONS or response.status_code != 200:
        return
    asked, body = case.query or {}, checks.json_of(response)
    positions = [p for p in body if isinstance(p, dict)] if isinstance(body, list) else []
    for position in positions:
        for query, field in POSITION_FILTERS:
            wanted, got = asked.get(query), position.get(field)
            assert wanted is None or got == wanted, (
                f"positions_are_the_ones_asked: asked for {query} {wanted!r}, a position of "
                f"{position.get('symbol')} {position.get('levelValue')} has {field} {got!r}"
            )


def order_trades_are_its_own(order_id: Any, trades: list[dict[str, Any]]) -> None:
    """Every trade of order `order_id`'s trades is of that order, and they come oldest first."""
    name = "order_trades_are_its_own"
    for trade in trades:
        got = trade.get("orderId")
        assert _same_id(got, order_id), (
            f"{name}: order {order_id}'s trades hold trade {trade.get('tradeId')} of order {got!r}"
        )
    times = [_executed(t) for t in trades]
    known = [t for t in times if t is not None]
    assert known == sorted(known), f"{name}: order {order_id}'s trades are not oldest first"


def order_trades_are_the_orders(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 of GET /v2/orders/{id}/trades holds trades of order `id` only, oldest first."""
    if case.operation.path != ORDER_TRADES or response.status_code != 200:
        return
    body = checks.json_of(response)
    if not isinstance(body, list):
        return  # the schema check says so
    order_trades_are_its_own((case.path_parameters or {}).get("id"), [
        t for t in body if isinstance(t, dict)
    ])  # fmt: skip


def _same_id(got: Any, asked: Any) -> bool:
    # A venue may read "04000000001" as the number 4000000001.
    if str(got).isdigit() and str(asked).isdigit():
        return int(str(got)) == int(str(asked))
    return str(got) == str(asked)


def _executed(trade: dict[str, Any]) -> dt.datetime | None:
    """A trade's `executionTime` (`yyyy-MM-dd HH:mm:ss,SSS Z`), or None when it has none."""
    try:
        return dt.datetime.strptime(str(trade.get("executionTime")), EXECUTION_TIME)
    except ValueError:
        return None
