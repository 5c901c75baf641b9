"""Our checks of who sees an order, from the answers of follow-up requests after its 202."""

# Integral: an order is queried by its server orderId; the sandbox decides another org's order
# is a 404 (no existence leak), a cancelled order stays readable, final, and cancelling all
# orders cancels the caller's org's only. Failures are AssertionErrors whose message starts
# with the property's name.

from __future__ import annotations

from typing import Any

from schemathesis import Response

from integral_mock.contracts.checks import CANCELLED, FINAL, json_of


def placed_order_is_visible_at_once(
    order: dict[str, Any], by_id: Response, by_coid: Response
) -> None:
    """Right after its 202, the order answers by orderId and by coId, as the same order."""
    name = "placed_order_is_visible_at_once"
    for how, response in (("orderId", by_id), ("coId", by_coid)):
        where = f"{name}: order {order['orderId']} by {how}"
        assert response.status_code == 200, f"{where} answered HTTP {response.status_code}"
        found = json_of(response)
        assert isinstance(found, dict), f"{where} answered {found!r}"
        same = (found.get("orderId"), found.get("coId")) == (order["orderId"], order["coId"])
        assert same, f"{where} answered order {found.get('orderId')} / {found.get('coId')!r}"


def other_org_cannot_see_order(
    order: dict[str, Any], by_id: Response, by_coid: Response, active: Response, trades: Response
) -> None:
    """Another org gets 404 for the order, by id and by coId, and for its trades, and never
    lists it."""
    name = "other_org_cannot_see_order"
    asked = ((" by orderId", by_id), (" by coId", by_coid), ("'s trades", trades))
    for how, response in asked:
        assert response.status_code == 404, (
            f"{name}: another org asked for order {order['orderId']}{how} "
            f"and got HTTP {response.status_code}"
        )
    listed = json_of(active) if active.status_code == 200 else None
    ids = (
        [o.get("orderId") for o in listed if isinstance(o, dict)]
        if isinstance(listed, list)
        else []
    )
    assert order["orderId"] not in ids, f"{name}: another org lists order {order['orderId']}"


def other_org_cannot_cancel_order(
    order: dict[str, Any], cancel: Response, afterwards: dict[str, Any]
) -> None:
    """Another org's cancel of the order is a 404 (a foreign order is no order of its own), and
    the order is not cancelled by it."""
    name = "other_org_cannot_cancel_order"
    assert cancel.status_code == 404, (
        f"{name}: another org cancelled order {order['orderId']} and got HTTP {cancel.status_code}"
    )
    status = afterwards.get("status")
    assert status != CANCELLED, f"{name}: order {order['orderId']} is {status} after it"


def cancelled_order_stays_readable(order_id: str, by_id: Response) -> None:
    """After a 202 to DELETE /v2/orders/{id}, the order still answers, now final."""
    name = "cancelled_order_stays_readable"
    assert by_id.status_code == 200, f"{name}: order {order_id} answered HTTP {by_id.status_code}"
    found = json_of(by_id)
    status = found.get("status") if isinstance(found, dict) else None
    assert status in FINAL, f"{name}: order {order_id} is {status!r} after its cancel"


def cancel_all_spares_other_orgs(order: dict[str, Any], afterwards: dict[str, Any]) -> None:
    """Cancelling all orders (DELETE /v2/orders) cancels the caller's org's: another org's
    working order still works after it."""
    status = afterwards.get("status")
    assert status not in FINAL, (
        f"cancel_all_spares_other_orgs: another org's order {order['orderId']} is {status} "
        "after the caller cancelled all its orders"
    )
