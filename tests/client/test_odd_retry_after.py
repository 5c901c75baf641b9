"""Retry-After in every form a server may send: seconds, an HTTP-date, or nonsense."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from integral_mock.client import RateLimited, ServerError
from tests.client.fake_server import ORDERS, RATE, SPOT, Answer, error
from tests.client.test_odd_orders import _order, _pq

DATE = "Tue, 14 Nov 2023 22:13:20 GMT"  # the server's clock, sent as its Date header


@pytest.mark.parametrize("status", [429, 503])
def test_an_http_date_is_waited_out_by_the_servers_own_clock(server, odd, time_, status):
    # RFC 9110 allows an HTTP-date; counted from the answer's Date, a skewed client clock
    # does not matter.
    later = error(status, "BUSY", **{"Retry-After": "Tue, 14 Nov 2023 22:13:27 GMT", "Date": DATE})
    server.script("GET", SPOT, later, Answer(200, RATE))

    assert odd.get_spot_rate("EUR/USD").rate_id == "r1"

    assert time_.sleeps == [7.0]


@pytest.mark.parametrize(
    "value",
    ["Tue, 14 Nov 2023 22:13:00 GMT", "-5", "0", "soon", "1.5", "Tue, 99 Nov 2023 25:00:00 GMT"],
    ids=["date in the past", "negative", "zero", "garbage", "fraction", "impossible date"],
)
def test_a_retry_after_of_no_use_is_a_backoff_step_never_no_wait(server, odd, time_, value):
    refused = error(503, "BUSY", **{"Retry-After": value, "Date": DATE})
    server.script("GET", SPOT, refused, refused, Answer(200, RATE))

    assert odd.get_spot_rate("EUR/USD").rate_id == "r1"

    # The default backoff's first two steps: 0.05..0.1 s, then 0.1..0.2 s.
    assert len(time_.sleeps) == 2
    assert 0.05 <= time_.sleeps[0] <= 0.1
    assert 0.1 <= time_.sleeps[1] <= 0.2


@pytest.mark.parametrize("value", ["86400", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"])
@pytest.mark.parametrize(("status", "kind"), [(429, RateLimited), (503, ServerError)])
def test_a_huge_retry_after_is_raised_at_once_not_slept(server, odd, time_, value, status, kind):
    server.script("GET", SPOT, error(status, "BUSY", **{"Retry-After": value, "Date": DATE}))

    with pytest.raises(kind) as caught:
        odd.get_spot_rate("EUR/USD")

    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 60
    assert (time_.sleeps, server.count("GET", SPOT)) == ([], 1)


@pytest.mark.parametrize("status", [429, 503])
def test_a_placement_refused_with_an_http_date_waits_then_looks_up_once(server, odd, time_, status):
    later = {"Retry-After": "Tue, 14 Nov 2023 22:13:22 GMT", "Date": DATE}
    server.script("POST", ORDERS, error(status, "BUSY", **later))
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert time_.sleeps == [2.0]
    assert (server.count("POST", ORDERS), server.count("GET", ORDERS)) == (1, 1)


def test_an_http_date_without_a_date_header_is_counted_from_the_wall_clock(server, odd, time_):
    # No Date to count from (an empty one is none): the wall clock is all there is.
    when = formatdate(time.time() + 5, usegmt=True)
    later = error(503, "BUSY", **{"Retry-After": when, "Date": ""})
    server.script("GET", SPOT, later, Answer(200, RATE))

    assert odd.get_spot_rate("EUR/USD").rate_id == "r1"

    assert len(time_.sleeps) == 1
    assert 3 < time_.sleeps[0] <= 5  # whole seconds in the date, and the exchange took some
