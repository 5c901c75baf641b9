"""fresh-quote, json-requests and request-id on synthetic journal entries."""

from __future__ import annotations

import pytest

from tests.conformance.journal import Traffic, verdict


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "pass"),
        ({"price": 1.1}, "fail"),  # a Buy of EUR at the bid
        ({"rate_id": "R-unknown"}, "fail"),
        ({"at": 70_000}, "fail"),  # the quote is older than its lifetime
        ({"side": "Sell", "price": 1.1}, "pass"),
    ],
)
def test_fresh_quote(change: dict[str, object], expected: str) -> None:
    t = Traffic()
    t.quote(0)
    at = int(change.pop("at", 100))  # type: ignore[call-overload]
    t.place(at, **change)  # type: ignore[arg-type]
    assert verdict("fresh-quote", t).verdict == expected


def test_a_full_book_level_is_a_quote_too() -> None:
    t = Traffic()
    level = {"symbol": "EUR/USD", "bid": 1.0, "offer": 1.3, "rateId": "L2"}
    t.add(0, "GET", "/v2/rates/spot/FULL", answer={"levels": [level]})
    t.place(50, price=1.3, rate_id="L2")
    assert verdict("fresh-quote", t).verdict == "pass"


# -- json-requests, request-id ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["pass", "password", "Password", "apiSecret"])
def test_json_requests_catches_a_password_in_the_url(key: str) -> None:
    t = Traffic()  # the body has it too: only the URL is at fault
    t.add(0, "POST", "/v2/sso/login", query=f"user=u&{key}=%5Bredacted%5D", body={"user": "u"})
    j = verdict("json-requests", t)
    assert (j.verdict, j.detail) == ("fail", f"a secret ({key.lower()}) was sent in the URL")
    harmless = Traffic()
    harmless.add(0, "GET", "/v2/rates/spot", query="symbol=EUR%2FUSD&passive=1")
    assert verdict("json-requests", harmless).verdict == "pass"


def test_json_requests_catches_a_token_in_the_url_and_a_wrong_content_type() -> None:
    in_url = Traffic()
    in_url.add(0, "GET", "/v2/orders/7", query="SSO_TOKEN=abc")
    assert "token was sent in the URL" in verdict("json-requests", in_url).detail
    form = Traffic()
    form.add(0, "POST", "/v2/orders", 400, body="a=b", headers={"Content-Type": "text/plain"})
    assert "text/plain" in verdict("json-requests", form).detail
    not_json = Traffic()
    sent = "{'coId': 'c1', 'type': 'PQ'}"  # a Python repr, labelled JSON: the journal's text
    not_json.add(0, "POST", "/v2/orders", 400, body=sent)
    assert verdict("json-requests", not_json).detail == (
        f"a body sent as application/json that is not a JSON object: {sent!r}"
    )
    tokenless = Traffic()
    tokenless.add(0, "GET", "/v2/orders/7", 401)
    del tokenless.entries[0]["request"]["headers"]["Sso-Token"]
    assert verdict("json-requests", tokenless).verdict == "fail"


def test_request_id_missing_or_reused_fails_a_retry_may_repeat_it() -> None:
    missing = Traffic()
    missing.poll(0)
    missing.entries[0]["request"]["headers"].pop("X-Request-Id")
    assert verdict("request-id", missing).verdict == "fail"
    reused, retried = Traffic(), Traffic()
    reused.poll(0)
    reused.quote(100)
    reused.entries[1]["request"]["headers"]["X-Request-Id"] = "r1"
    assert verdict("request-id", reused).verdict == "fail"
    retried.poll(0, status=500)
    retried.poll(100)
    retried.entries[1]["request"]["headers"]["X-Request-Id"] = "r1"
    assert verdict("request-id", retried).verdict == "pass"
