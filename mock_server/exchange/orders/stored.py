"""An order's row: what is stored at insert, the ticket and fills read back, its listing facts."""

from __future__ import annotations

import json
from collections.abc import Sequence

from integral_mock.exchange.market.rates import PAIRS
from integral_mock.exchange.orders.fate import Course
from integral_mock.exchange.orders.lifecycle import Schedule
from integral_mock.exchange.orders.matching import Fill
from integral_mock.exchange.orders.ticket import Ticket
from integral_mock.store import Row


def ticket_of(row: Row) -> Ticket:
    """The stored order, parsed as it was when placed."""
    request = json.loads(row["request"])
    return Ticket.parse(request, PAIRS[request["symbol"]])


def load_fills(row: Row) -> list[Fill]:
    return [Fill.from_json(f) for f in json.loads(row["fills"])]


def listing(schedule: Schedule, fills: Sequence[Fill], polls: int = 0) -> tuple[object, ...]:
    """(final_ms, final_status, trade_ms): the indexed facts of what is stored (store/schema.py)."""
    final_ms = schedule.final_since(polls)
    status = None if final_ms is None else schedule.final.status
    return final_ms, status, fills[-1].at_ms if fills else None


INSERT = (
    'INSERT INTO orders (order_id, org, co_id, "user", request, placed_ms, schedule, reason, '
    "fills, resting, checked_ms, expires_ms, final_ms, final_status, trade_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def values(
    order_id: int, org: str, user: str, order: Ticket, placed_ms: int, course: Course
) -> tuple[object, ...]:
    """The row INSERT stores for a new order under `order_id`."""
    return (
        order_id,
        org,
        order.co_id,
        user,
        json.dumps(order.as_json()),
        placed_ms,
        json.dumps(course.schedule.to_json()),
        course.reason,
        json.dumps([f.to_json() for f in course.fills]),
        int(course.resting),
        placed_ms,
        course.expires_ms,
        *listing(course.schedule, course.fills),
    )


# What a cancel writes: the cut schedule, the fills kept, the reason and the listing columns.
CANCEL = (
    "UPDATE orders SET schedule = ?, fills = ?, resting = 0, reason = ?, "
    "final_ms = ?, final_status = ?, trade_ms = ? WHERE order_id = ?"
)
