"""The request journal: what it records, what it redacts, filters, NDJSON, its bound."""

from __future__ import annotations

import json

import pytest

from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.sandbox.journal import TRIM_EVERY, Journal
from integral_mock.store import Store
from tests.control.support import Admin, made_app
from tests.helpers import EXAMPLE_LOGIN, TRADER_B, Api, assert_error


def test_journal_records_each_exchange(api: Api, token: str, admin: Admin) -> None:
    api.get("/v2/orders", token, {"X-Request-ID": "trace-1"})
    login, listed = admin.journal()
    assert login["path"] == "/v2/sso/login"
    assert login["org"] == "apiOrganizationId"  # a login acts for the org it names
    expected = {
        "id": 2,
        "time": api.clock.now_ms(),
        "requestId": "trace-1",
        "org": "apiOrganizationId",
        "method": "GET",
        "path": "/v2/orders",
        "query": "",
        "status": 200,
        "delivered": True,
        "fault": None,
        "latencyMs": 0,
    }
    assert {k: listed[k] for k in expected} == expected
    assert listed["response"]["body"] == []


def test_journal_redacts_passwords_and_tokens(api: Api, token: str, admin: Admin) -> None:
    api.client.get(
        "/v2/orders",
        headers={"SSO_TOKEN": token, "Authorization": "Bearer abc", "Cookie": f"SSO_TOKEN={token}"},
    )
    dump = json.dumps(admin.journal())
    assert token not in dump
    assert EXAMPLE_LOGIN["pass"] not in dump
    assert "Bearer abc" not in dump
    login, listed = admin.journal()
    assert login["request"]["body"] == {**EXAMPLE_LOGIN, "pass": "[redacted]"}
    assert login["response"]["headers"]["SSO_TOKEN"] == "[redacted]"
    assert login["response"]["headers"]["Set-Cookie"] == "[redacted]"
    for name in ("Sso-Token", "Authorization", "Cookie"):
        assert listed["request"]["headers"][name] == "[redacted]"


JSON = "application/json"
DEEP = json.loads("[" * 40 + "]" * 40)  # valid JSON, deeper than the journal walks


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("user=apiUserId&pass=This+is+a+long+password!&org=apiOrganizationId", "text/plain"),
        (json.dumps(EXAMPLE_LOGIN)[:-1], JSON),  # JSON cut short
        (json.dumps({**EXAMPLE_LOGIN, "deep": DEEP}), JSON),
    ],
)
def test_journal_redacts_a_login_that_is_not_plain_json(
    api: Api, admin: Admin, body: str, content_type: str
) -> None:
    response = api.client.post("/v2/sso/login", data=body, content_type=content_type)
    assert "long" not in response.get_data(as_text=True)  # the 400 does not quote it back
    (entry,) = admin.journal()
    assert entry["request"]["body"] == "[redacted]"
    assert "long" not in json.dumps(entry)


def test_a_body_nested_too_deeply_is_a_400_and_journaled_as_text(
    api: Api, token: str, admin: Admin
) -> None:
    deep = "[" * 50_000  # past what json (or the journal) would walk
    # A login's body that does not parse is never kept: it may hold a password, however spelt.
    for path, kept in (("/v2/orders", "[[["), ("/v2/sso/login", "[redacted]")):
        response = api.client.post(path, data=deep, content_type=JSON, headers={"SSO_TOKEN": token})
        assert_error(response, 400, "INVALID_REQUEST")
        assert admin.journal(path=path)[-1]["request"]["body"].startswith(kept)


def test_journal_filters(api: Api, token: str, admin: Admin) -> None:
    token_b = api.token(TRADER_B)
    api.get("/v2/orders/4000000001", token)  # 404
    api.get("/v2/orders", token_b)
    api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)
    assert [e["path"] for e in admin.journal(org="orgB")] == ["/v2/sso/login", "/v2/orders"]
    assert [e["status"] for e in admin.journal(path="/v2/orders*")] == [404, 200]
    assert [e["path"] for e in admin.journal(status=404)] == ["/v2/orders/4000000001"]
    assert [e["method"] for e in admin.journal(method="post")] == ["POST", "POST"]
    assert [e["id"] for e in admin.journal(after=3)] == [4, 5]
    assert [e["id"] for e in admin.journal(limit=2)] == [4, 5]
    assert admin.journal(path="/v2/rates/spot")[0]["query"] == "symbol=EUR%2FUSD"


def test_journal_as_ndjson(api: Api, token: str, admin: Admin) -> None:
    api.get("/v2/orders", token)
    response = admin.call("GET", "/journal", query={"format": "ndjson"})
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    assert [json.loads(line) for line in lines] == admin.journal()


def test_admin_calls_are_not_journaled(admin: Admin) -> None:
    admin.ok("GET", "/clock")
    admin.ok("GET", "/faults")
    assert admin.journal() == []


def test_journal_is_bounded() -> None:
    with made_app(Config.default(journal_size=3), clock=ManualClock()) as app:
        client = app.test_client()
        for _ in range(5):
            client.get("/v2/orders")
        assert [e["id"] for e in Admin(client).journal()] == [3, 4, 5]


def test_an_org_reset_leaves_other_orgs_entries(api: Api, token: str, admin: Admin) -> None:
    api.token(TRADER_B)
    admin.ok("POST", "/reset", body={"org": "orgB"})
    api.get("/v2/orders", api.token(TRADER_B))
    assert [e["org"] for e in admin.journal()] == ["apiOrganizationId", "orgB", "orgB"]


def test_journal_past_its_trims_holds_the_newest_and_polls_after() -> None:
    with made_app(Config.default(journal_size=5), clock=ManualClock()) as app:
        client = app.test_client()
        for _ in range(TRIM_EVERY + 6):  # past one trim, and some way to the next
            client.get("/v2/orders")
        newest = [e["id"] for e in Admin(client).journal()]
        assert newest == list(range(TRIM_EVERY + 2, TRIM_EVERY + 7))
        after = Admin(client).ok("GET", "/journal", query={"after": TRIM_EVERY + 4})
        assert [e["id"] for e in after] == [TRIM_EVERY + 5, TRIM_EVERY + 6]


def test_answers_without_a_body_or_with_an_error_are_journaled_as_json(
    api: Api, admin: Admin
) -> None:
    assert api.client.head("/v2/orders").status_code == 405  # and, as a HEAD, no body
    api.get("/v2/orders", "not-a-token")
    head, refused = admin.journal()[-2:]
    assert (head["method"], head["response"]["body"]) == ("HEAD", None)
    assert refused["response"]["body"]["errorCode"] == "TOKEN_INVALID"


def test_an_answer_is_journaled_as_the_json_it_was(api: Api, token: str, admin: Admin) -> None:
    answered = api.get("/v2/rates/spot?symbol=EUR%2FUSD", token)
    spot = admin.journal()[-1]
    assert spot["response"]["body"] == answered.json


def test_journal_clears_all_or_one_org(api: Api, token: str, admin: Admin) -> None:
    api.token(TRADER_B)
    assert admin.ok("DELETE", "/journal", query={"org": "orgB"}) == {"removed": 1}
    assert {e["org"] for e in admin.journal()} == {"apiOrganizationId"}
    assert admin.ok("DELETE", "/journal") == {"removed": 1}
    assert admin.journal() == []


class _Wall:
    """A wall clock that says what the test tells it."""

    def __init__(self) -> None:
        self.ns = 0

    def now_ms(self) -> int:
        return self.ns // 1_000_000

    def now_ns(self) -> int:
        return self.ns


def _entry(org: str) -> dict[str, object]:
    request = {"headers": {}, "body": None}
    fields = {"org": org, "method": "GET", "path": "/v2/orders", "requestId": None}
    return {**fields, "status": 200, "fault": None, "request": request, "response": request}


def test_an_entry_written_late_by_a_request_from_before_a_clear_is_not_read() -> None:
    """A request in flight across a reset (on another worker) writes its entry after the
    next test's first one: that one is still what `limit=1` reads."""
    store, wall = Store(), _Wall()
    try:
        journal = Journal(store, 100, wall)
        wall.ns = 10
        journal.clear()
        journal.record(_entry("apiOrganizationId"), began_ns=12)  # after the clear
        journal.record(_entry("apiOrganizationId"), began_ns=5)  # before it, written late
        assert [e["id"] for e in journal.entries()] == [1]
        assert [e["id"] for e in journal.entries(limit=1)] == [1]
        wall.ns = 20
        journal.clear("orgB")  # another org's clear hides nothing of this one's
        assert [e["id"] for e in journal.entries(org="apiOrganizationId", limit=1)] == [1]
    finally:
        store.close()
