"""Order fields in the shape Integral publishes: execFlags, priceType, timeInForce on queries."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api, assert_error, error_fields
from tests.workflow.support import new_order


def _stop(**changes: Any) -> dict[str, Any]:
    order = new_order("Stop", side="Sell", price=0.5, stopPrice=0.5, execFlags=["BidTrigger"])
    order.pop("timeInForce", None)  # a Stop needs none
    return {**order, **changes}


@pytest.mark.parametrize(
    "flags",
    ["BidTrigger", [], ["Sideways"], ["BidTrigger", "BidTrigger"], [1]],
    ids=["a bare string", "empty", "unknown flag", "repeated", "not a string"],
)
def test_exec_flags_other_than_an_array_of_flags_is_400(
    api: Api, token: str, flags: object
) -> None:
    response = api.place(token, _stop(execFlags=flags))
    fields = error_fields(assert_error(response, 400, "INVALID_REQUEST"))
    assert {f.split(".")[0] for f in fields} == {"execFlags"}  # execFlags, or execFlags.0


def test_exec_flags_as_published_are_accepted_and_echoed(api: Api, token: str) -> None:
    placed = api.placed(token, _stop(execFlags=["BidTrigger"]))
    assert api.order(token, placed["orderId"])["execFlags"] == ["BidTrigger"]


@pytest.mark.parametrize("price_type", ["Spot", "Outright", "ndf", ""])
def test_a_price_type_other_than_ndf_is_400(api: Api, token: str, price_type: str) -> None:
    order = new_order("Limit", "GTC", price=0.5, priceType=price_type)
    response = api.place(token, order)
    assert error_fields(assert_error(response, 400, "INVALID_REQUEST")) == {"priceType"}


def test_every_query_answer_carries_time_in_force(api: Api, token: str) -> None:
    stop = api.placed(token, _stop(coId="stop-without-tif"))
    limit = api.placed(token, new_order("Limit", "DAY", price=0.5, coId="limit-day"))
    answers = [
        api.order(token, stop["orderId"]),
        api.get("/v2/orders?coId=stop-without-tif", token).json,
        *api.active(token),
    ]
    assert [a["timeInForce"] for a in answers] == ["GTC", "GTC", "GTC", "DAY"]
    assert (stop["timeInForce"], limit["timeInForce"]) == ("GTC", "DAY")
