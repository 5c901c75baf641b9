"""The same seed and the same requests give the same prices, ids and fills."""

from __future__ import annotations

from typing import Any

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from tests.helpers import Api, close_app
from tests.workflow.support import new_order, pips


def _session(seed: int, reads_every_ms: int | None = None) -> list[Any]:
    """Every answer body of one fixed sequence of requests against a fresh sandbox.

    With `reads_every_ms`, the resting orders are also read that often along the way (those
    reads are left out of the result).
    """
    clock = ManualClock()
    app = create_app(Config.default(validate_responses=True, seed=seed), clock=clock)
    api = Api(app.test_client(), clock)
    try:
        token = api.token()
        quote = api.spot(token)
        offer, bid = quote["offer"], quote["bid"]
        orders = [
            api.pq_order(quote),
            new_order("Limit", "IOC", size=20_000_000, price=pips(offer, 20)),
            new_order("Limit", "GTC", size=12_000_000, price=pips(offer, 20)),
            new_order("Market", "IOC", side="Sell", price=bid),
            new_order("Stop", side="Sell", price=bid, stopPrice=bid, execFlags=["MidTrigger"]),
        ]
        for number, order in enumerate(orders):
            order["coId"] = f"session-{number}"  # not the module's running count
        answers: list[Any] = [quote, *(api.placed(token, order) for order in orders)]
        answers.append(api.get("/v2/rates/spot/FULL?symbol=EUR%2FUSD", token).json)
        answers.append(api.get("/marketdataset?symbol=EUR%2FUSD", token).json)
        ids = [answer["orderId"] for answer in answers[1:6]]
        for _ in range(0, 60_000, reads_every_ms or 60_000):
            clock.advance(reads_every_ms or 60_000)
            if reads_every_ms:
                for order_id in ids[2:]:
                    api.order(token, order_id)
        answers += [api.order(token, order_id) for order_id in ids]
        answers.append(api.get("/v2/trades/stp/messages", token).json)
        return answers
    finally:
        close_app(app)


def test_the_same_seed_replays_the_same_answers() -> None:
    first, second = _session(7), _session(7)
    assert first == second
    final = first[-6:-1]
    assert [order["status"] for order in final] == ["FILLED", "EXPIRED"] + ["FILLED"] * 3
    assert len(first[-1]) == 5


def test_resting_orders_fill_the_same_however_often_they_are_read() -> None:
    assert _session(7, reads_every_ms=700) == _session(7)


def test_another_seed_gives_another_market() -> None:
    first, other = _session(7), _session(8)
    assert (first[0]["bid"], first[0]["rateId"]) != (other[0]["bid"], other[0]["rateId"])
    assert first[1]["orderId"] != other[1]["orderId"]
