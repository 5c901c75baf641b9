"""Helpers of the rate tests: a 200 answer's JSON, and the fate of a PQ order placed on a rate."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api
from tests.workflow.support import SETTLE_MS


def json_of(api: Api, token: str, path: str) -> Any:
    response = api.get(path, token)
    assert response.status_code == 200, response.json
    return response.json


def pq_fate(api: Api, token: str, rate: dict[str, Any], side: str = "Buy", **extra: Any) -> Any:
    """Place a PQ order on `rate` at its `side` price and size; the order once worked."""
    touch, limit = ("offer", "offerLimit") if side == "Buy" else ("bid", "bidLimit")
    changes = {"side": side, "price": rate[touch], "size": rate[limit], **extra}
    coid = f"pq-{side}-{rate['rateId']}-{api.clock.now_ms()}"
    placed = api.placed(token, api.pq_order(rate, coId=coid, **changes))
    api.clock.advance(SETTLE_MS)
    return api.order(token, placed["orderId"])
