"""Polling an order on a server that lags, goes backwards, says nonsense or never finishes."""

from __future__ import annotations

import pytest

from integral_mock.client import (
    Backoff,
    NotFound,
    Order,
    OrderStatus,
    OrderTimeout,
    SpotRate,
    TransportError,
)
from tests.client.fake_server import ORDERS, RATE, SPOT, Answer, client_of, error
from tests.client.test_odd_orders import _order

ONE = ORDERS + "/1"


def _state(status: str) -> Answer:
    return Answer(200, _order(status=status))


def _trading(server, *polls: Answer) -> None:
    """A server that quotes, accepts the PQ order as c1 (whatever coId was sent), then polls."""
    server.script("GET", SPOT, Answer(200, RATE))
    server.script("POST", ORDERS, Answer(202, _order()))
    server.script("GET", ONE, *polls)


@pytest.mark.parametrize(
    "failures",
    [
        # Another replica answers the poll before the placement reached it.
        [error(404, "NOT_FOUND")] * 2,
        # Five 503s: the transport's three retries give up on the fourth; the poll goes on.
        [error(503, "UNAVAILABLE")] * 5,
    ],
    ids=["not-found-yet", "outage-past-the-retries"],
)
def test_a_placed_order_the_poll_cannot_read_yet_is_polled_until_it_shows(server, odd, failures):
    _trading(server, *failures, _state("FILLED"))

    order = odd.trade_pq("EUR/USD", "Buy", 1000, co_id="c1")

    assert order.status is OrderStatus.FILLED
    assert (server.count("POST", ORDERS), server.count("GET", ONE)) == (1, len(failures) + 1)


@pytest.mark.parametrize(
    ("status", "code"), [(404, "NOT_FOUND"), (500, "INTERNAL")], ids=["not-found", "outage"]
)
def test_a_placed_order_unread_to_the_deadline_times_out_carrying_it_as_placed(
    server, odd, time_, status, code
):
    _trading(server, error(status, code))

    with pytest.raises(OrderTimeout) as caught:
        odd.trade_pq("EUR/USD", "Buy", 1000, co_id="c1", timeout=5)

    assert caught.value.order.status is OrderStatus.RECEIVED
    assert caught.value.__cause__ is not None
    assert str(status) in str(caught.value.__cause__)
    assert server.count("POST", ORDERS) == 1
    assert 5 <= time_.now <= 5.01


def test_an_order_never_seen_is_not_found_once_the_deadline_passes(server, odd, time_):
    server.script("GET", ONE, error(404, "NOT_FOUND"))

    with pytest.raises(NotFound) as caught:
        odd.wait_for_final("1", timeout=3)

    assert "not found for 3s" in caught.value.__notes__[-1]
    assert 3 <= time_.now <= 3.01


def test_an_order_that_never_ends_is_polled_a_bounded_number_of_times(server, odd, time_):
    server.script("GET", ONE, _state("NEW"))

    with pytest.raises(OrderTimeout) as caught:
        odd.wait_for_final("1", timeout=30)

    assert caught.value.order.status is OrderStatus.NEW
    # The default poll backoff: 0.05 s doubling to a 1 s cap, never less than half a step.
    assert all(0 < slept <= 1.0 for slept in time_.sleeps)
    assert server.count("GET", ONE) <= 2 + 30 / 0.5 + 7


@pytest.mark.parametrize(
    ("first", "cap", "factor"), [(0, 1, 2), (-1, 1, 2), (1, 0.5, 2), (1, 2, 0.5)]
)
def test_a_backoff_that_could_poll_at_zero_delay_is_refused(first, cap, factor):
    with pytest.raises(ValueError, match="Backoff"):
        Backoff(first=first, cap=cap, factor=factor)


def test_a_status_going_backwards_is_reported_and_polled_on(server, time_):
    # The server wobbles (replicas again): every change is news, the first FILLED ends it.
    server.script(
        "GET", ONE, *(_state(s) for s in ["NEW", "PARTIALLY_FILLED", "NEW", "FILLED", "NEW"])
    )
    seen: list[str] = []

    with client_of(server, time_) as client:
        order = client.wait_for_final("1", on_update=lambda o: seen.append(o.status.value))

    assert order.status is OrderStatus.FILLED
    assert seen == ["NEW", "PARTIALLY_FILLED", "NEW", "FILLED"]
    assert server.count("GET", ONE) == 4


def test_trade_pq_reports_a_status_that_returns_to_the_placed_one(server, odd):
    _trading(server, _state("NEW"), _state("RECEIVED"), _state("FILLED"))
    events: list[str] = []

    def on_event(event: SpotRate | Order) -> None:
        events.append(event.status.value if isinstance(event, Order) else "rate")

    odd.trade_pq("EUR/USD", "Buy", 1000, co_id="c1", on_event=on_event)

    assert events == ["rate", "RECEIVED", "NEW", "RECEIVED", "FILLED"]


def test_an_unknown_status_ends_the_wait_naming_the_placed_order(server, odd):
    _trading(server, _state("PENDING_NEW"))

    with pytest.raises(TransportError, match="PENDING_NEW") as caught:
        odd.trade_pq("EUR/USD", "Buy", 1000, co_id="c1")

    assert "order 1 (coId c1) was placed" in caught.value.__notes__[-1]
    assert server.count("POST", ORDERS) == 1


def test_a_retry_after_past_the_deadline_is_not_slept_but_times_out(server, odd, time_):
    later = error(503, "MAINTENANCE", **{"Retry-After": "50"})
    server.script("GET", ONE, _state("NEW"), later)

    with pytest.raises(OrderTimeout) as caught:
        odd.wait_for_final("1", timeout=10)

    assert caught.value.order.status is OrderStatus.NEW
    assert "asked to wait 50" in caught.value.__notes__[-1]
    assert time_.now < 10
    assert server.count("GET", ONE) == 2


def test_a_retry_after_within_the_deadline_is_slept(server, odd, time_):
    later = error(503, "MAINTENANCE", **{"Retry-After": "3"})
    server.script("GET", ONE, _state("NEW"), later, _state("FILLED"))

    assert odd.wait_for_final("1", timeout=10).status is OrderStatus.FILLED

    assert 3.0 in time_.sleeps


@pytest.mark.parametrize("timeout", [float("nan"), -1.0])
def test_a_wait_that_is_no_duration_is_refused_before_any_poll(server, odd, timeout):
    # NaN compares false with everything: the deadline would never pass.
    with pytest.raises(ValueError, match="timeout"):
        odd.wait_for_final("1", timeout=timeout)

    assert server.count("GET", ONE) == 0


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_a_client_timeout_that_is_no_duration_is_refused_at_once(server, time_, timeout):
    # requests would raise a bare ValueError from inside the first call (0), or wait for ever.
    with pytest.raises(ValueError, match="timeout"):
        client_of(server, time_, timeout=timeout)


def test_trade_pq_refuses_a_wait_that_is_no_duration_before_placing(server, odd):
    _trading(server, _state("FILLED"))

    with pytest.raises(ValueError, match="timeout"):
        odd.trade_pq("EUR/USD", "Buy", 1000, timeout=float("nan"))

    assert server.count("POST", ORDERS) == 0


def test_a_read_answering_another_order_is_not_polled_through(server, odd):
    server.script("GET", ONE, Answer(200, _order(order_id="2", status="NEW")))

    with pytest.raises(TransportError, match="orderId"):
        odd.wait_for_final("1", timeout=30)

    assert server.count("GET", ONE) == 1
