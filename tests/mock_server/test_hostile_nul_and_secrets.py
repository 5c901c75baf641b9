"""A NUL in a body, a parameter or a path is a 400 error object (or a journaled 404) that stores
nothing; passwords and tokens are never journaled or quoted back."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.helpers import EXAMPLE_LOGIN, Api, assert_error
from tests.mock_server.hostile_support import (  # noqa: F401 - with the `token` fixture
    LIMIT,
    ORDER_FIELDS,
    org_reads_all_answer,
    post_raw,
    trader_token,
    with_raw,
)

NUL = '"a\\u0000b"'  # a JSON escape of the NUL character, which PostgreSQL refuses in text


@pytest.mark.parametrize(
    "text",
    [
        # A key written with a JSON escape, and a trailing comma: not JSON, still a password.
        '{"user": "apiUserId", "p\\u0061ss": "This is a long password!", "org": "x",}',
        '{"user": "apiUserId", "p\\u0061ss": "This is a long password!", "org": "x"}',
        '{"user": "apiUserId", "pass": "This is a long password!", "org": NaN}',
    ],
)
def test_the_journal_redacts_a_login_by_meaning(client: FlaskClient, text: str) -> None:
    post_raw(client, "/v2/sso/login", text)
    dump = client.get("/__admin/journal").get_data(as_text=True)
    assert "This is a long password!" not in dump
    (entry,) = json.loads(dump)
    assert entry["path"] == "/v2/sso/login"
    body = entry["request"]["body"]
    assert body == "[redacted]" or body["pass"] == "[redacted]"


def test_a_token_put_in_a_url_is_not_kept_in_the_journal(
    api: Api, client: FlaskClient, token: str
) -> None:
    api.get(f"/v2/orders?sso_token={token}&coId=x", token)
    dump = client.get("/__admin/journal").get_data(as_text=True)
    assert token not in dump
    assert "sso_token=[redacted]&coId=x" in dump  # the name stays: conformance judges by it


@pytest.mark.parametrize("password", [12345678, ["hunter2-in-a-list"]])
def test_a_refused_password_is_not_quoted_back_or_journaled(
    client: FlaskClient, password: object
) -> None:
    response = client.post("/v2/sso/login", json={**EXAMPLE_LOGIN, "pass": password})
    body = assert_error(response, 400, "INVALID_REQUEST")
    secret = "hunter2" if isinstance(password, list) else str(password)
    assert secret not in json.dumps(body)
    assert secret not in client.get("/__admin/journal").get_data(as_text=True)


NUL = '"a\\u0000b"'  # a JSON escape of the NUL character, which PostgreSQL refuses in text


@pytest.mark.parametrize("field", ["user", "pass", "org"])
def test_a_nul_in_a_login_is_a_400(client: FlaskClient, field: str) -> None:
    response = post_raw(client, "/v2/sso/login", with_raw(EXAMPLE_LOGIN, field, NUL))
    body = assert_error(response, 400, "INVALID_REQUEST")
    assert "NUL" in body["errorMessage"]


@pytest.mark.parametrize("field", ORDER_FIELDS)
def test_a_nul_in_any_order_field_is_a_400_that_stores_nothing(
    api: Api, client: FlaskClient, token: str, field: str
) -> None:
    response = post_raw(client, "/v2/orders", with_raw(LIMIT, field, NUL), token)
    assert_error(response, 400, "INVALID_REQUEST")
    assert_error(api.get("/v2/orders?coId=hostile-1", token), 404, "NOT_FOUND")
    org_reads_all_answer(api, client, token)


@pytest.mark.parametrize(
    "path", ["/v2/orders?coId=a%00b", "/v2/orders/1%00", "/v2/rates/spot?symbol=EUR%00USD"]
)
def test_a_nul_in_a_parameter_is_a_400(
    api: Api, client: FlaskClient, token: str, path: str
) -> None:
    body = assert_error(api.get(path, token), 400, "INVALID_REQUEST")
    assert "NUL" in body["errorMessage"]
    org_reads_all_answer(api, client, token)


def test_a_request_with_a_nul_in_its_path_is_journaled(
    api: Api, client: FlaskClient, token: str
) -> None:
    assert_error(api.get("/v2/no%00such", token), 404, "NOT_FOUND")
    entry = client.get("/__admin/journal").json[-1]
    assert entry["path"] == "/v2/no\x00such"
    assert entry["status"] == 404
    assert client.get("/__admin/journal?path=/v2/no*").json == [entry]


def test_the_admin_api_refuses_a_nul_in_an_org(client: FlaskClient) -> None:
    reset = post_raw(client, "/__admin/reset", '{"org": "a\\u0000b"}')
    assert_error(reset, 400, "INVALID_REQUEST")
    assert client.get("/__admin/journal").status_code == 200
