"""GET /__admin/orders a page at a time: the `next` link walks every order once, filters hold."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.control.support import Admin
from tests.helpers import TRADER_B, Api, assert_error
from tests.workflow.support import SETTLE_MS, new_order, pips


def _walk(admin: Admin, **query: Any) -> tuple[list[dict[str, Any]], int]:
    """Every order the `next` links lead to from the first page, and how many pages it took."""
    orders: list[dict[str, Any]] = []
    pages = 0
    while True:
        response = admin.call("GET", "/orders", query=query)
        assert response.status_code == 200, response.json
        orders += response.json or []
        pages += 1
        if "Link" not in response.headers:
            return orders, pages
        url, rel = response.headers["Link"].split(";")
        assert rel.strip() == 'rel="next"'
        split = urlsplit(url.strip().strip("<>"))
        assert split.path == "/__admin/orders"
        query = {k: v[0] for k, v in parse_qs(split.query).items()}


@pytest.fixture
def mixed(api: Api) -> dict[str, list[str]]:
    """Orders of two orgs in every kind of state: filled, rejected, resting, cancelled, polled."""
    a, b = api.token(), api.token(TRADER_B)
    ids: dict[str, list[str]] = {"apiOrganizationId": [], "orgB": []}
    for n in range(4):
        for org, token in (("apiOrganizationId", a), ("orgB", b)):
            quote = api.spot(token)
            ids[org].append(
                api.placed(token, api.pq_order(quote, coId=f"filled-{org}-{n}"))["orderId"]
            )
            offside = api.pq_order(quote, coId=f"rej-{org}-{n}", price=pips(quote["offer"], 1))
            ids[org].append(api.placed(token, offside)["orderId"])
            far = new_order("Limit", "GTC", price=pips(quote["offer"], -500))
            ids[org].append(api.placed(token, far)["orderId"])
            polled = api.client.post(
                "/v2/orders",
                json=api.pq_order(quote, coId=f"polled-{org}-{n}"),
                headers={"SSO_TOKEN": token, "X-Sandbox-Progression": "polls:2"},
            )
            ids[org].append((polled.json or {})["orderId"])
    cancel = api.client.delete(f"/v2/orders/{ids['orgB'][2]}", headers={"SSO_TOKEN": b})
    assert cancel.status_code == 202, cancel.json
    api.clock.advance(SETTLE_MS)
    return ids


def test_the_next_links_walk_every_order_once_across_orgs_and_statuses(
    admin: Admin, mixed: dict[str, list[str]]
) -> None:
    walked, pages = _walk(admin, limit=3)
    everyone = sorted(mixed["apiOrganizationId"] + mixed["orgB"], key=int)
    assert [o["orderId"] for o in walked] == everyone  # each once, oldest first
    assert pages == -(-len(everyone) // 3)
    assert {o["status"] for o in walked} == {"FILLED", "REJECTED", "NEW", "CANCELLED", "RECEIVED"}
    assert walked == admin.orders(limit=1000)  # one page or many, the same orders as they stand
    assert _walk(admin, limit=5, order="newest")[0] == walked[::-1]
    newest_b = [o for o in walked if o["org"] == "orgB"][::-1]
    assert _walk(admin, org="orgB", order="newest", status="NEW", limit=1)[0] == [
        o for o in newest_b if o["status"] == "NEW"
    ]


def test_a_walk_keeps_its_filters_and_answers_only_matching_orders(
    admin: Admin, mixed: dict[str, list[str]]
) -> None:
    everything = admin.orders(limit=1000)
    for status in ("FILLED", "REJECTED", "NEW", "CANCELLED", "RECEIVED", "EXPIRED"):
        expected = [o for o in everything if o["status"] == status]
        assert _walk(admin, status=status, limit=2)[0] == expected
    b_filled = [o for o in everything if o["org"] == "orgB" and o["status"] == "FILLED"]
    assert _walk(admin, org="orgB", status="FILLED", limit=1)[0] == b_filled
    assert [o["coId"] for o in admin.orders(coId="rej-orgB-2")] == ["rej-orgB-2"]
    assert admin.orders(status="SOMETHING_ELSE") == []


def test_the_default_page_keeps_small_callers_whole_and_the_last_page_has_no_link(
    admin: Admin, mixed: dict[str, list[str]]
) -> None:
    response = admin.call("GET", "/orders")
    assert "Link" not in response.headers
    assert len(response.json or []) == 32
    last = admin.call("GET", "/orders", query={"after": mixed["orgB"][-1]})
    assert (last.json, "Link" in last.headers) == ([], False)


def test_an_admin_look_through_pages_is_no_poll(api: Api, admin: Admin) -> None:
    token = api.token()
    order = api.client.post(
        "/v2/orders",
        json=api.pq_order(api.spot(token)),
        headers={"SSO_TOKEN": token, "X-Sandbox-Progression": "polls:1"},
    )
    order_id = (order.json or {})["orderId"]
    for _ in range(3):
        assert [o["status"] for o in _walk(admin, limit=1, status="RECEIVED")[0]] == ["RECEIVED"]
    assert api.order(token, order_id)["status"] == "FILLED"
    assert [o["orderId"] for o in admin.orders(status="FILLED")] == [order_id]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 10_001},
        {"limit": "ten"},
        {"after": -1},
        {"after": "x"},
        {"order": "up"},
    ],
)
def test_a_bad_page_query_is_the_error_object(admin: Admin, query: dict[str, Any]) -> None:
    assert_error(admin.call("GET", "/orders", query=query), 400, "INVALID_REQUEST")
