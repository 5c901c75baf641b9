"""Helpers of the forced-outcome tests: place an order (its id) and read it once final."""

from __future__ import annotations

from typing import Any

from tests.control.support import placed_with
from tests.helpers import Api


def placed_id(api: Api, token: str, headers: dict[str, str] | None = None, **changes: Any) -> str:
    response = placed_with(api, token, headers or {}, **changes)
    assert response.status_code == 202, response.json
    assert response.json is not None
    assert response.json["status"] == "RECEIVED"
    return str(response.json["orderId"])


def final_order(api: Api, token: str, order_id: str) -> dict[str, Any]:
    api.clock.advance(60_000)
    order = api.order(token, order_id)
    assert order["status"] in ("FILLED", "REJECTED", "EXPIRED")
    return order
