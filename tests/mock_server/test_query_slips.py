"""Query strings a client gets wrong in ways a lenient reader hides: a parameter sent twice, or
under another case of its name; each is a 400 naming the parameter, and nothing is done."""

from __future__ import annotations

import pytest

from tests.helpers import Api, assert_error, resting_order

RESTING = resting_order("rests")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        # The first value was quoted: a client asking for two rates got one, without a word.
        ("/v2/rates/spot?symbol=EUR%2FUSD&symbol=GBP%2FUSD", "symbol"),
        ("/v2/orders?coId=rests&coId=other", "coId"),
        ("/v2/trades/stp/messages?maxCount=1&maxCount=500", "maxCount"),
        ("/__admin/journal?limit=1&limit=2", "limit"),
    ],
)
def test_a_parameter_given_twice_is_a_400_naming_it(api: Api, url: str, field: str) -> None:
    response = api.get(url, api.token())
    body = assert_error(response, 400, "INVALID_REQUEST")
    message = f"Query parameter error: {field}: is given 2 times; it takes one value"
    assert body["responseTuples"] == [{"field": field, "message": message}]


def test_a_download_asked_for_twice_consumes_nothing(api: Api) -> None:
    """The trades download consumes what it returns: a refused one must leave them all."""
    token = api.token()
    quote = api.spot(token)
    api.placed(token, api.pq_order(quote))
    api.clock.advance(60_000)  # long past any fill delay
    twice = api.get("/v2/trades/stp/messages?maxCount=1&maxCount=2", token)
    assert_error(twice, 400, "INVALID_REQUEST")
    trades = api.get("/v2/trades/stp/messages", token).json
    assert [t["event"] for t in trades] == ["NEW"]


@pytest.mark.parametrize(
    ("url", "field", "sent"),
    [
        # `coid` was ignored: the client asking for one order got the list of all active ones.
        ("/v2/orders?coid=rests", "coId", "coid"),
        ("/v2/trades/stp/messages?maxcount=1", "maxCount", "maxcount"),
        ("/v2/rates/spot?Symbol=EUR%2FUSD", "symbol", "Symbol"),
    ],
)
def test_a_parameter_under_another_case_is_a_400_naming_both(
    api: Api, url: str, field: str, sent: str
) -> None:
    token = api.token()
    api.placed(token, RESTING)
    body = assert_error(api.get(url, token), 400, "INVALID_REQUEST")
    message = (
        f"Query parameter error: {field}: is not given, but {sent} is (names are case-sensitive)"
    )
    assert body["responseTuples"] == [{"field": field, "message": message}]


def test_a_parameter_the_spec_does_not_name_is_still_ignored(api: Api) -> None:
    """A cache buster (`_=<time>`) is common and harmless: only slips of declared names count."""
    token = api.token()
    api.placed(token, RESTING)
    response = api.get("/v2/orders?coId=rests&_=1700000000", token)
    assert (response.status_code, response.json["coId"]) == (200, "rests")
