"""Every way a placement can fail, on a scripted server: how many POSTs, and what comes back."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from integral_mock.client import ApiError, BadRequest, TransportError
from tests.client.fake_server import ORDERS, Answer, client_of, error
from tests.client.network import FaultyAdapter
from tests.client.test_odd_orders import _order, _pq

RETRY_AFTER = {"Retry-After": "1"}
# Answers after which the order may or may not be in: the client must ask before sending again.
AMBIGUOUS = {
    "500": error(500, "INTERNAL_ERROR"),
    "502": Answer(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"}),
    "503": error(503, "SERVICE_UNAVAILABLE"),
    "503 Retry-After": error(503, "SERVICE_UNAVAILABLE", **RETRY_AFTER),
    "504": Answer(504, b"", {"Content-Type": "text/plain"}),
    "429": error(429, "RATE_LIMITED"),
    "429 Retry-After": error(429, "RATE_LIMITED", **RETRY_AFTER),
}
NETWORK = ["refuse", "lose", "timeout"]  # before sending; reset after sending; read timeout


def _client(server: Any, time_: Any, network: str | None) -> Any:
    session = requests.Session()
    faulty = FaultyAdapter()
    if network:
        faulty.add("POST", ORDERS, network)
    session.mount("http://", faulty)
    return client_of(server, time_, session=session)


def _posts(server: Any) -> list[Any]:
    return [json.loads(s.body) for s in server.seen if (s.method, s.path) == ("POST", ORDERS)]


def _scenarios() -> list[Any]:
    cases = [pytest.param(answer, None, id=name) for name, answer in AMBIGUOUS.items()]
    return cases + [pytest.param(Answer(202, _order()), n, id=n) for n in NETWORK]


@pytest.mark.parametrize(("failure", "network"), _scenarios())
def test_an_ambiguous_failure_found_by_coid_is_never_sent_again(server, time_, failure, network):
    server.script("POST", ORDERS, failure)
    server.script("GET", ORDERS, Answer(200, _order()))

    with _client(server, time_, network) as client:
        assert client.place_order(_pq()).order_id == "1"

    # "refuse" never reached the server: no POST arrived at all, and none is sent again.
    assert len(_posts(server)) == (0 if network == "refuse" else 1)
    assert server.count("GET", ORDERS) == 1


@pytest.mark.parametrize(("failure", "network"), _scenarios())
def test_an_order_the_server_has_not_is_sent_again_with_the_same_coid(
    server, time_, failure, network
):
    server.script("POST", ORDERS, failure, Answer(202, _order()))
    server.script("GET", ORDERS, error(404, "NOT_FOUND"))

    with _client(server, time_, network) as client:
        assert client.place_order(_pq()).order_id == "1"

    posts = _posts(server)
    assert len(posts) == (1 if network == "refuse" else 2)
    assert {p["coId"] for p in posts} == {"c1"}
    assert server.count("GET", ORDERS) == 1


def test_a_resend_meeting_duplicate_coid_returns_the_order_that_landed(server, odd):
    server.script("POST", ORDERS, error(504, "GATEWAY_TIMEOUT"), error(400, "DUPLICATE_COID"))
    server.script("GET", ORDERS, error(404, "NOT_FOUND"), Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert len(_posts(server)) == 2


def test_a_server_failing_every_time_gets_the_retry_budget_and_no_more(server, odd, time_):
    server.script("POST", ORDERS, error(500, "INTERNAL_ERROR"))
    server.script("GET", ORDERS, error(404, "NOT_FOUND"))

    with pytest.raises(ApiError) as caught:
        odd.place_order(_pq())

    assert caught.value.status == 500
    assert (len(_posts(server)), len(time_.sleeps)) == (4, 3)  # the first try and 3 retries


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (Answer(302, b"", {"Location": "https://elsewhere.invalid/v2/orders"}), ApiError),
        (error(409, "CONFLICT"), ApiError),
        (error(400, "SOMETHING_NEW"), BadRequest),
        (error(400, "DUPLICATE_COID"), BadRequest),  # our first POST: the coId was used before
    ],
    ids=["302", "409", "400 unknown errorCode", "400 DUPLICATE_COID"],
)
def test_a_definite_refusal_is_raised_after_one_post_and_no_lookup(server, odd, answer, kind):
    server.script("POST", ORDERS, answer)

    with pytest.raises(kind) as caught:
        odd.place_order(_pq())

    assert caught.value.status == answer.status
    assert (len(_posts(server)), server.count("GET", ORDERS)) == (1, 0)


@pytest.mark.parametrize(
    "answer",
    [
        Answer(202, b""),
        Answer(200, error(200, "INVALID_PRICE", "price off the market").body),
    ],
    ids=["empty 2xx", "2xx error object"],
)
def test_an_accepted_placement_without_an_order_is_looked_up_never_resent(server, odd, answer):
    server.script("POST", ORDERS, answer)
    server.script("GET", ORDERS, error(404, "NOT_FOUND"))

    with pytest.raises(TransportError) as caught:
        odd.place_order(_pq())

    assert "not resent" in caught.value.__notes__[-1]
    assert (len(_posts(server)), server.count("GET", ORDERS)) == (1, 1)


@pytest.mark.parametrize(
    "answer",
    [Answer(202, b""), Answer(200, error(200, "INVALID_PRICE").body)],
    ids=["empty 2xx", "2xx error object"],
)
def test_an_accepted_placement_found_by_coid_is_that_order(server, odd, answer):
    server.script("POST", ORDERS, answer)
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).order_id == "1"

    assert len(_posts(server)) == 1


def test_a_2xx_error_object_says_its_error_code(server, odd):
    server.script("POST", ORDERS, Answer(200, error(200, "INVALID_PRICE", "off market").body))
    server.script("GET", ORDERS, error(404, "NOT_FOUND"))

    with pytest.raises(TransportError, match="INVALID_PRICE: off market"):
        odd.place_order(_pq())

    assert len(_posts(server)) == 1
