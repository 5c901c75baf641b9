"""The control API's odd input: HEAD, integers past what the store holds, a bad rule value."""

from __future__ import annotations

from typing import Any

import pytest

from tests.control.support import Admin
from tests.helpers import Api, assert_error


@pytest.mark.parametrize("path", ["/health", "/clock", "/seed", "/faults", "/journal", "/orders"])
def test_head_answers_as_its_get_without_the_body(admin: Admin, path: str) -> None:
    """What a load balancer's probe sends; with answers checked, it was a 500 (no HEAD in
    sandbox.yaml to check it against)."""
    response = admin.client.head(f"/__admin{path}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data == b""


PAST_INT64 = 2**63  # one more than the store's integers hold


@pytest.mark.parametrize(
    ("method", "path", "body", "query"),
    [
        ("DELETE", f"/faults/{PAST_INT64}", None, None),
        ("DELETE", f"/outcomes/{PAST_INT64}", None, None),
        ("GET", "/orders", None, {"after": PAST_INT64}),
        ("GET", "/journal", None, {"after": PAST_INT64}),
        ("GET", "/journal", None, {"limit": PAST_INT64}),
        ("GET", "/journal", None, {"status": PAST_INT64}),
        ("POST", "/faults", {"path": "/v2/orders", "fault": "500", "times": PAST_INT64}, None),
        ("POST", "/outcomes", {"outcome": "FILLED", "times": PAST_INT64}, None),
    ],
)
def test_an_integer_past_what_the_store_holds_is_a_documented_400(
    admin: Admin, method: str, path: str, body: Any, query: dict[str, Any] | None
) -> None:
    """Each reached SQLite and was a 500."""
    assert_error(admin.call(method, path, body, query), 400, "INVALID_REQUEST")
    assert admin.ok("GET", "/faults") == []
    assert admin.ok("GET", "/outcomes") == []


@pytest.mark.parametrize("lifetime", [10**16, 2**62, PAST_INT64])
def test_a_token_lifetime_past_a_year_is_refused_and_logins_still_work(
    api: Api, admin: Admin, lifetime: int
) -> None:
    """Stored, a lifetime past the calendar made every login of the org a 500 until a reset."""
    body = {"tokenLifetimeMs": lifetime}
    assert_error(admin.call("PUT", "/orgs/apiOrganizationId", body), 400, "INVALID_REQUEST")
    assert api.login().status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/faults", {"path": "/v2/rates/*", "fault": "503", "probability": 1.5}, "probability"),
        ("/faults", {"path": "/v2/rates/*", "fault": "503", "times": 0}, "times"),
        ("/outcomes", {"outcome": "FILLED", "times": 0}, "times"),
    ],
)
def test_a_bad_rule_value_is_named_alone_not_its_valid_fields_as_unexpected(
    admin: Admin, path: str, body: dict[str, Any], field: str
) -> None:
    """A failing subschema evaluates none of its properties: the 400 also said "'fault',
    'path', 'probability' were unexpected" of fields the rule may have."""
    error = assert_error(admin.call("POST", path, body), 400, "INVALID_REQUEST")
    assert [p["field"] for p in error["responseTuples"]] == [field]
    assert "unexpected" not in error["errorMessage"]


def test_an_unknown_rule_field_is_still_named(admin: Admin) -> None:
    body = {"path": "/v2/rates/*", "fault": "503", "bogus": 1}
    error = assert_error(admin.call("POST", "/faults", body), 400, "INVALID_REQUEST")
    assert "'bogus' was unexpected" in error["errorMessage"]
