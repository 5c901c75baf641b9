"""The compiled spec checks: every operation checked, parameters cast and named, answers caught."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, Response, jsonify

from integral_mock.exchange.venue import Venue
from integral_mock.integral import views
from integral_mock.integral.plumbing import sandbox_of
from integral_mock.integral.spec import load_document
from tests.helpers import Api, assert_error, pq_order

JSON = "application/json"
METHODS = {"get", "put", "post", "delete", "patch"}
ORDER = pq_order({"symbol": "EUR/USD", "offer": 1.1, "rateId": "r-1"}, coId="c-1", size=1000)
LONG_ID = "r" * 201  # X-Request-ID's maxLength is 200


def _operations() -> list[tuple[str, str]]:
    """(method, URL) of every Integral operation, path variables filled with "1"."""
    found = []
    for path, item in load_document()["paths"].items():
        url = "/".join("1" if part.startswith("{") else part for part in path.split("/"))
        found += [(method.upper(), url) for method in item if method in METHODS]
    return found


@pytest.mark.parametrize(("method", "url"), _operations())
def test_every_operation_checks_its_parameters(api: Api, method: str, url: str) -> None:
    # X-Request-ID is every operation's first parameter, so its problem is the one reported.
    headers = {"SSO_TOKEN": api.token(), "X-Request-ID": LONG_ID}
    response = api.client.open(url, method=method, headers=headers, json={})
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [
        {"field": "X-Request-ID", "message": f"'{LONG_ID}' is too long"}
    ]


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/v2/rates/spot", "symbol", "Missing required query parameter: symbol"),
        ("/v2/rates/spot?symbol=", "symbol", "Query parameter error: symbol: is empty"),
        (
            "/v2/trades/stp/messages?maxCount=ten",
            "maxCount",
            "Query parameter error: maxCount: 'ten' is not an integer",
        ),
        (
            "/v2/trades/stp/messages?maxCount=1.0",
            "maxCount",
            "Query parameter error: maxCount: '1.0' is not an integer",
        ),
        ("/v2/trades/stp/messages?maxCount=0", "maxCount", "0 is less than the minimum of 1"),
        (
            "/v2/rates/spot/BEST?symbol=EUR%2FUSD",
            "type",
            "'BEST' is not one of ['TOB', 'FULL', 'RAW']",
        ),
        ("/marketdataset?id=EndOfDayMDS&date=2024-02-30", "date", "'2024-02-30' is not a 'date'"),
        # Year 0 matches the pattern and jsonschema-rs's own date check: the date format is
        # still jsonschema's (Python's date), as it was.
        ("/marketdataset?id=EndOfDayMDS&date=0000-01-01", "date", "'0000-01-01' is not a 'date'"),
        (
            "/__admin/journal?status=OK",
            "status",
            "Query parameter error: status: 'OK' is not an integer",
        ),
        ("/__admin/faults/0", "id", "0 is less than the minimum of 1"),
    ],
)
def test_a_bad_parameter_is_named_and_says_what_is_wrong(
    api: Api, url: str, field: str, message: str
) -> None:
    method = "DELETE" if url.startswith("/__admin/faults/") else "GET"
    response = api.client.open(url, method=method, headers={"SSO_TOKEN": api.token()})
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [{"field": field, "message": message}]
    assert body["errorMessage"] == f"{field}: {message}"


@pytest.mark.parametrize(
    "query", ["maxCount=%205", "maxCount=5_0", "maxCount=%0A5", "maxCount=%D9%A3"]
)
def test_an_integer_parameter_is_ascii_digits_only(api: Api, query: str) -> None:
    # int() alone takes a space, an underscore, a newline and an Arabic-Indic three.
    response = api.get(f"/v2/trades/stp/messages?{query}", api.token())
    body = assert_error(response, 400, "INVALID_REQUEST")
    [problem] = body["responseTuples"]
    assert problem["field"] == "maxCount"
    assert problem["message"].startswith("Query parameter error: maxCount: ")
    assert problem["message"].endswith(" is not an integer")


def test_a_pattern_ends_at_the_end_not_before_a_final_newline(api: Api) -> None:
    # Python's `$` matches before a final newline; the spec's (ECMA-262) does not.
    token = api.token()
    order_id = api.placed(token, pq_order(api.spot(token)))["orderId"]
    response = api.get(f"/v2/orders/{order_id}%0A", token)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert [t["field"] for t in body["responseTuples"]] == ["id"]
    response = api.get("/v2/rates/spot?symbol=EUR%2FUSD%0A", token)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert [t["field"] for t in body["responseTuples"]] == ["symbol"]


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        ("", JSON, "Missing required request body"),
        ('{"coId": ', JSON, "the body is not UTF-8 JSON"),
        ('{"coId": "\xe9"}'.encode("latin-1"), JSON, "the body is not UTF-8 JSON"),
    ],
)
def test_a_body_that_cannot_be_read_is_400(
    api: Api, data: str | bytes, content_type: str, message: str
) -> None:
    headers = {"SSO_TOKEN": api.token()}
    response = api.client.post("/v2/orders", data=data, content_type=content_type, headers=headers)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [{"field": "body", "message": message}]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/json; v"])
def test_a_json_media_type_with_parameters_is_json(api: Api, content_type: str) -> None:
    # A parameter without "=" made openapi-core's media type parser raise: a 500 once.
    headers = {"SSO_TOKEN": api.token()}
    response = api.client.post("/v2/orders", data="{}", content_type=content_type, headers=headers)
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert {"coId", "type", "side"} <= {p["field"] for p in body["responseTuples"]}


def test_a_date_jsonschema_rs_would_take_is_refused_in_an_order(api: Api) -> None:
    order = {**ORDER, "type": "AtBest", "valueDate": "0000-01-01"}
    body = assert_error(api.place(api.token(), order), 400, "INVALID_REQUEST")
    assert body["responseTuples"] == [
        {"field": "valueDate", "message": "'0000-01-01' is not a 'date'"}
    ]


def _broken(answer: Any) -> Any:
    return lambda *args, **kwargs: answer


def _invalid(response: Any, document: str = "the spec") -> str:
    body = assert_error(response, 500, "RESPONSE_INVALID")
    prefix = f"The sandbox's answer broke {document}: "
    assert body["errorMessage"].startswith(prefix)
    return str(body["errorMessage"]).removeprefix(prefix)


def test_an_answer_missing_fields_is_a_500_naming_them(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = api.token()
    monkeypatch.setattr(Venue, "get_spot_rate", _broken({"symbol": "EUR/USD", "bid": -1}))
    problem = _invalid(api.get("/v2/rates/spot?symbol=EUR%2FUSD", token))
    assert problem == (
        "InvalidData: 'offer' is a required property; 'bidLimit' is a required property; "
        "'offerLimit' is a required property; 'time' is a required property; "
        "'rateId' is a required property; -1 is less than or equal to the minimum of 0"
    )


def test_an_order_breaking_a_2020_12_keyword_is_caught(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # dependentRequired is past draft 7: a draft-7 validator (fastjsonschema) would pass this.
    token = api.token()
    placed = api.placed(token, api.pq_order(api.spot(token)))
    monkeypatch.setattr(Venue, "get_order", _broken({**placed, "cumQty": 1000}))
    problem = _invalid(api.get(f"/v2/orders/{placed['orderId']}", token))
    assert problem.startswith("InvalidData: 'averagePrice' is a dependency of 'cumQty'; ")


def test_an_answer_without_its_headers_is_a_500(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "_with_token", lambda body, token: jsonify(body))
    problem = _invalid(api.login())
    assert problem == "Missing required header: SSO_TOKEN; Missing required header: Set-Cookie"


def test_a_status_the_operation_does_not_answer_is_a_500(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = api.token()
    teapot = Response('{"symbol": "EUR/USD"}', status=418, mimetype=JSON)
    monkeypatch.setitem(
        api.client.application.view_functions, "integral.get_spot_rate", _broken(teapot)
    )
    assert _invalid(api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)) == (
        "Unknown response http status: 418"
    )


def test_an_answer_of_another_media_type_is_a_500(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = api.token()
    html = Response("<p>EUR/USD</p>", mimetype="text/html")
    monkeypatch.setitem(
        api.client.application.view_functions, "integral.get_spot_rate", _broken(html)
    )
    assert _invalid(api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)) == (
        "DataValidationError: Content for the following mimetype not found: text/html. "
        "Valid mimetypes: ['application/json']"
    )


def test_an_admin_answer_breaking_sandbox_yaml_is_a_500(api: Api, app: Flask) -> None:
    sandbox_of(app).venue.store.set_value("seed", -1)  # a stored seed the spec forbids
    problem = _invalid(api.client.get("/__admin/seed"), "sandbox.yaml")
    assert problem == "InvalidData: -1 is less than the minimum of 0"
