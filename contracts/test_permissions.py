"""A user without trading permission: logs in and reads rates, but places and cancels nothing."""

# integral-api.md: the tutorials require "an API login with trading permission"; the sandbox
# decides that a user without it logs in and reads rates, and gets 403 on placing or
# cancelling an order (the spec's x-sandbox-decision), so the test is marked sandbox_decision.

from __future__ import annotations

import pytest
from schemathesis import Response

from integral_mock.contracts import checks
from integral_mock.contracts.desk import Desk

NAME = "trading_needs_permission"


@pytest.mark.sandbox_decision
def test_a_user_without_trading_permission_places_nothing(desk: Desk, viewer_desk: Desk) -> None:
    order = desk.pq(viewer_desk.quote())  # reading the rate is allowed
    refused = viewer_desk.call("placeOrder", body=order)
    assert refused.status_code == 403, (
        f"{NAME}: a user without trading permission placed coId {order['coId']!r}: HTTP "
        f"{refused.status_code} {refused.text_lossy()[:300]}"
    )
    checks.error_body_is_error_object(None, refused, None)  # type: ignore[arg-type]
    _says_forbidden(refused)
    found = desk.call("queryOrders", query={"coId": order["coId"]})
    assert found.status_code == 404, (
        f"{NAME}: the refused placement left an order under coId {order['coId']!r}: "
        f"{found.text_lossy()[:300]}"
    )


@pytest.mark.sandbox_decision
def test_a_user_without_trading_permission_cancels_nothing(desk: Desk, viewer_desk: Desk) -> None:
    with desk.resting(desk.quote()) as placed:
        order_id = placed["orderId"]
        cancel = viewer_desk.call("cancelOrder", path_parameters={"id": order_id})
        cancel_all = viewer_desk.call("cancelAllOrders")
        for refused in (cancel, cancel_all):
            assert refused.status_code == 403, (
                f"{NAME}: a user without trading permission cancelled ({refused.request.method} "
                f"{refused.request.url}): HTTP {refused.status_code}"
            )
            _says_forbidden(refused)
        status = desk.order(order_id)["status"]
        assert status not in checks.FINAL, f"{NAME}: order {order_id} went {status}"
        desk.cancel_quietly(order_id)


def _says_forbidden(refused: Response) -> None:
    """The refusal carries the errorCode the spec names for it."""
    code = (checks.json_of(refused) or {}).get("errorCode")
    assert code == "FORBIDDEN", f"{NAME}: the 403 says errorCode {code!r}, not 'FORBIDDEN'"
