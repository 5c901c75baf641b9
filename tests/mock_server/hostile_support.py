"""Helpers of the hostile-input tests: an order to spoil, raw JSON posts, and the org's reads that
must all still answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from integral_mock.integral.spec import load_document
from tests.helpers import Api

LIMIT = {
    "coId": "hostile-1",
    "type": "Limit",
    "timeInForce": "GTC",
    "side": "Buy",
    "symbol": "EUR/USD",
    "currency": "EUR",
    "size": 1000000,
    "price": 1.05,
}
ORDER_FIELDS = sorted(load_document()["components"]["schemas"]["OrderFields"]["properties"])


@pytest.fixture(name="token")
def trader_token(api: Api) -> str:
    """A token of the example trader's."""
    return api.token()


def post_raw(client: FlaskClient, path: str, text: str, token: str | None = None) -> Any:
    headers = {"SSO_TOKEN": token} if token else {}
    return client.post(path, data=text, content_type="application/json", headers=headers)


def with_raw(order: dict[str, Any], field: str, raw: str) -> str:
    """The order as JSON text with `field` set to the raw JSON token `raw` (NaN, "\\ud800")."""
    return json.dumps({**order, field: "@@"}).replace('"@@"', raw)


def org_reads_all_answer(api: Api, client: FlaskClient, token: str) -> None:
    """Every read of the org's orders works: nothing stored poisons them."""
    assert api.get("/v2/orders", token).status_code == 200
    assert api.get("/v2/trades/stp/messages", token).status_code == 200
    assert client.delete("/v2/orders", headers={"SSO_TOKEN": token}).status_code == 202
    assert client.get("/__admin/orders").status_code == 200
    assert client.get("/__admin/journal").status_code == 200
