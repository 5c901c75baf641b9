"""The pages over HTTP, without a browser: what they show, who may see them, what they leave be."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config, Org, User
from integral_mock.sandbox.access import SESSION_COOKIE
from tests.helpers import Api, close_app

TOKEN = "pages-s3cret"
HERE = "http://localhost"


@pytest.fixture
def guarded() -> Iterator[FlaskClient]:
    """A sandbox started with an admin token."""
    app: Flask = create_app(Config.default(validate_responses=True, admin_token=TOKEN))
    yield app.test_client()
    close_app(app)


def _open_session(client: FlaskClient) -> None:
    answer = client.post("/__admin/session", data={"token": TOKEN}, headers={"Origin": HERE})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/__admin/"


@pytest.mark.parametrize("path", ["/", "/docs", "/__admin/", "/__admin"])
def test_pages_are_html_with_a_strict_policy(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_swagger_ui_comes_from_the_installed_wheel(client: FlaskClient) -> None:
    with client.get("/docs/swagger-ui/swagger-ui-bundle.js") as script:
        assert script.status_code == 200
        assert b"SwaggerUIBundle" in script.data
    assert client.get("/docs/swagger-ui/index.html").status_code == 404
    page = client.get("/docs").get_data(as_text=True)
    assert "/docs/swagger-ui/swagger-ui-bundle.js" in page
    assert "/__admin/openapi.json" in page
    assert "/openapi.json" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another host


def test_pages_are_neither_journaled_nor_faulted(client: FlaskClient, api: Api) -> None:
    added = client.post("/__admin/faults", json={"path": "*", "fault": "503"})
    assert added.status_code == 201
    for path in ("/", "/docs", "/assets/pages.css", "/docs/swagger-ui/swagger-ui.css"):
        with client.get(path) as answer:
            assert answer.status_code == 200, path
    assert api.login().status_code == 503  # the rule does act on Integral's surface
    assert [e["path"] for e in client.get("/__admin/journal").json or []] == ["/v2/sso/login"]


def test_admin_orders_carry_the_timeline_so_far(client: FlaskClient, api: Api) -> None:
    token = api.token()
    api.placed(token, api.pq_order(api.spot(token), coId="timeline-1"))
    first = (client.get("/__admin/orders").json or [])[0]
    assert [step["status"] for step in first["timeline"]] == ["RECEIVED"]
    api.clock.advance(2000)
    later = (client.get("/__admin/orders").json or [])[0]
    assert [step["status"] for step in later["timeline"]] == ["RECEIVED", "NEW", "FILLED"]
    times = [step["time"] for step in later["timeline"]]
    assert times == sorted(times)
    assert later["status"] == "FILLED"


def test_with_a_token_the_dashboard_is_a_token_form_until_given(guarded: FlaskClient) -> None:
    refused = guarded.get("/__admin/")
    assert refused.status_code == 401
    assert refused.mimetype == "text/html"
    assert 'name="token"' in refused.get_data(as_text=True)
    assert guarded.get("/__admin/orders").status_code == 401  # the JSON API stays JSON
    assert guarded.get("/__admin/orders").mimetype == "application/json"
    wrong = guarded.post("/__admin/session", data={"token": "nope"}, headers={"Origin": HERE})
    assert wrong.status_code == 401
    _open_session(guarded)
    assert guarded.get("/__admin/").status_code == 200
    assert guarded.get("/__admin/orders").status_code == 200


def test_the_cookie_holds_no_token_and_is_httponly_strict_and_admin_only(
    guarded: FlaskClient,
) -> None:
    answer = guarded.post("/__admin/session", data={"token": TOKEN}, headers={"Origin": HERE})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert TOKEN not in cookie
    assert {"HttpOnly", "SameSite=Strict", "Path=/__admin"} <= {
        p.strip() for p in cookie.split(";")
    }


def test_an_ended_session_is_refused_even_from_a_copy_of_its_cookie(
    guarded: FlaskClient,
) -> None:
    answer = guarded.post("/__admin/session", data={"token": TOKEN}, headers={"Origin": HERE})
    copied = answer.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    guarded.set_cookie(SESSION_COOKIE, copied, path="/__admin")  # the copy is sent, and counts
    assert guarded.get("/__admin/orders").status_code == 200
    ended = guarded.post("/__admin/session/end", headers={"Origin": HERE})
    assert ended.status_code == 303
    guarded.set_cookie(SESSION_COOKIE, copied, path="/__admin")  # a copy taken before the end
    assert guarded.get("/__admin/orders").status_code == 401


def test_each_session_is_its_own_and_a_forged_one_is_refused(guarded: FlaskClient) -> None:
    first = guarded.post("/__admin/session", data={"token": TOKEN}, headers={"Origin": HERE})
    second = guarded.post("/__admin/session", data={"token": TOKEN}, headers={"Origin": HERE})
    assert first.headers["Set-Cookie"] != second.headers["Set-Cookie"]
    for forged in ("1.abc.def", "9" * 40, "", "1767261600000.00.0"):
        guarded.set_cookie(SESSION_COOKIE, forged, path="/__admin")
        assert guarded.get("/__admin/orders").status_code == 401


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {}, 200),
        ("GET", {"Sec-Fetch-Site": "same-origin"}, 200),
        ("GET", {"Sec-Fetch-Site": "same-site"}, 401),  # another port of this host
        ("GET", {"Sec-Fetch-Site": "cross-site"}, 401),
        ("GET", {"Origin": "http://localhost:9999"}, 401),
        ("DELETE", {}, 401),  # a change of state must name its Origin
        ("DELETE", {"Origin": HERE}, 200),
        ("DELETE", {"Origin": "http://evil.example"}, 401),
        ("DELETE", {"Origin": "null"}, 401),
    ],
)
def test_the_cookie_counts_only_on_this_origins_own_requests(
    guarded: FlaskClient, method: str, headers: dict[str, str], status: int
) -> None:
    _open_session(guarded)
    assert guarded.open("/__admin/faults", method=method, headers=headers).status_code == status


def test_a_foreign_form_cannot_open_a_session(guarded: FlaskClient) -> None:
    forged = guarded.post(
        "/__admin/session", data={"token": TOKEN}, headers={"Origin": "http://evil.example"}
    )
    assert forged.status_code == 401
    assert "Set-Cookie" not in forged.headers


def test_forgetting_the_token_ends_the_session(guarded: FlaskClient) -> None:
    _open_session(guarded)
    ended = guarded.post("/__admin/session/end", headers={"Origin": HERE})
    assert ended.status_code == 303
    assert guarded.get("/__admin/orders").status_code == 401


def test_without_a_token_the_dashboard_answers_this_machine_only(client: FlaskClient) -> None:
    far = client.get("/__admin/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 401
    assert "the machine that runs the sandbox" in far.get_data(as_text=True)
    rebound = client.get("/__admin/", headers={"Host": "attacker.example"})
    assert rebound.status_code == 401


def test_the_landing_page_hides_passwords_from_strangers_of_a_shared_sandbox(
    guarded: FlaskClient,
) -> None:
    far = guarded.get("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}).get_data(as_text=True)
    assert "apiUserId" in far
    assert "This is a long password!" not in far
    near = guarded.get("/").get_data(as_text=True)
    assert "This is a long password!" in near


def test_the_example_login_is_one_that_works_with_the_config_in_force() -> None:
    viewer = User("viewer", "v", "orgA", trading=False)
    orphan = User("orphan", "o", "gone")
    trader = User("trader", "t", "orgA")
    orgs = (Org("orgA"),)
    assert Config(users=(orphan, viewer, trader), orgs=orgs).example_user() == trader
    assert Config(users=(orphan, viewer), orgs=orgs).example_user() == viewer
    assert Config(users=(orphan,), orgs=orgs).example_user() is None
    assert Config.default().example_user() == Config.default().users[0]


def test_the_landing_page_says_so_when_nobody_can_log_in(clock: ManualClock) -> None:
    app = create_app(Config(users=(User("orphan", "o", "gone"),)), clock=clock)
    page = app.test_client().get("/").get_data(as_text=True)
    close_app(app)
    assert "provisions no user who can log in" in page
