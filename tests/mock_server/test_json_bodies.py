"""JSON bodies that one parser takes and another reads otherwise: a key given twice, UTF-16 or
UTF-32 text, a coded (gzip) body. Each is a 400 naming the body, and no order is made; a UTF-8
BOM still passes."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.helpers import EXAMPLE_LOGIN, Api, assert_error, resting_order

ORDER = resting_order("one")
JSON = {"Content-Type": "application/json"}


def _post(api: Api, path: str, data: bytes, token: str | None = None) -> dict[str, object]:
    headers = {**JSON, **({"SSO_TOKEN": token} if token else {})}
    return assert_error(api.client.post(path, data=data, headers=headers), 400, "INVALID_REQUEST")


def test_an_order_with_a_key_given_twice_is_refused_and_not_placed(api: Api) -> None:
    """`side` twice: Python kept the last and bought; a parser keeping the first sells."""
    token = api.token()
    data = json.dumps(ORDER).replace('{"coId"', '{"side": "Sell", "coId"').encode()
    body = _post(api, "/v2/orders", data, token)
    message = 'the key "side" is given twice in one object'
    assert body["responseTuples"] == [{"field": "body", "message": message}]
    assert api.active(token) == []


def test_a_key_given_twice_deep_in_a_body_is_refused_too(api: Api) -> None:
    data = b'{"method": "GET", "nested": [{"kind": "error", "kind": "hang"}]}'
    response = api.client.post("/__admin/faults", data=data, headers=JSON)
    assert response.status_code == 400
    assert response.json["responseTuples"][0]["message"] == (
        'the key "kind" is given twice in one object'
    )


def test_a_login_with_a_key_given_twice_never_quotes_its_value(api: Api) -> None:
    data = json.dumps(EXAMPLE_LOGIN).replace('{"user"', '{"pass": "other secret", "user"')
    body = _post(api, "/v2/sso/login", data.encode())
    assert "secret" not in json.dumps(body)
    assert "long password" not in json.dumps(body)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_a_body_in_utf16_or_utf32_is_refused_and_not_placed(api: Api, encoding: str) -> None:
    """Python's json reads these; RFC 8259 has JSON between systems in UTF-8 only."""
    token = api.token()
    body = _post(api, "/v2/orders", json.dumps(ORDER).encode(encoding), token)
    [problem] = body["responseTuples"]  # type: ignore[misc]
    assert problem["field"] == "body"
    assert problem["message"].endswith("not UTF-8 JSON")
    assert problem["message"].startswith(f"the body is UTF-{encoding[4:6]}")
    assert api.active(token) == []


def test_a_body_with_a_utf8_byte_order_mark_is_taken(api: Api) -> None:
    """RFC 8259 lets a parser ignore a UTF-8 BOM, and Windows tools write one."""
    token = api.token()
    response = api.client.post(
        "/v2/orders",
        data=b"\xef\xbb\xbf" + json.dumps(ORDER).encode(),
        headers={**JSON, "SSO_TOKEN": token},
    )
    assert response.status_code == 202, response.json
    assert [o["coId"] for o in api.active(token)] == ["one"]


@pytest.mark.parametrize("compress", [True, False])
def test_a_body_under_a_content_coding_is_refused_and_not_placed(api: Api, compress: bool) -> None:
    """A gzipped order was "not UTF-8 JSON", which sends one looking at the text; a plain one
    labelled gzip was placed, hiding a client that sends a server that decodes garbage."""
    token = api.token()
    data = json.dumps(ORDER).encode()
    response = api.client.post(
        "/v2/orders",
        data=gzip.compress(data) if compress else data,
        headers={**JSON, "SSO_TOKEN": token, "Content-Encoding": "gzip"},
    )
    body = assert_error(response, 400, "INVALID_REQUEST")
    message = "the body is gzip-coded (Content-Encoding), which the sandbox does not decode"
    assert body["responseTuples"] == [{"field": "body", "message": message}]
    assert api.active(token) == []


def test_a_body_labelled_identity_is_taken(api: Api) -> None:
    token = api.token()
    headers = {**JSON, "SSO_TOKEN": token, "Content-Encoding": "identity"}
    response = api.client.post("/v2/orders", data=json.dumps(ORDER).encode(), headers=headers)
    assert response.status_code == 202, response.json


@pytest.mark.parametrize(
    "data",
    [b'{"a": 1, "a": 2}', b'{"a": NaN}', json.dumps(ORDER).encode("utf-16"), b"not json"],
)
def test_a_body_sent_where_the_operation_takes_none_is_ignored(api: Api, data: bytes) -> None:
    """A GET's (or a DELETE's) body has no meaning: a not-JSON one was ignored, but one with
    NaN or a key twice made a 400, so whether a read worked depended on what it carried."""
    token = api.token()
    order_id = api.placed(token, ORDER)["orderId"]
    headers = {**JSON, "SSO_TOKEN": token}
    listed = api.client.get("/v2/orders", data=data, headers=headers)
    assert (listed.status_code, [o["orderId"] for o in listed.json]) == (200, [order_id])
    cancelled = api.client.delete(f"/v2/orders/{order_id}", data=data, headers=headers)
    assert cancelled.status_code == 202
