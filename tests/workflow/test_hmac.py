"""HMAC request signing, with a signer written from the spec's hmacSignature text alone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integral_mock.clock import ManualClock
from tests.helpers import Api, assert_error
from tests.workflow.support import new_order

SECRET = "This is a long secret!"
SIGNED = "date digest request-line"


def signature_headers(
    method: str,
    target: str,
    body: bytes,
    at_ms: int,
    *,
    user: str = "apiUserId",
    secret: str = SECRET,
    names: str = SIGNED,
    date: str | None = None,
) -> dict[str, str]:
    """`type`, `Date`, `Digest` and `Authorization` for `METHOD target` with `body` at `at_ms`."""
    values = {
        "date": date or formatdate(at_ms / 1000, usegmt=True),
        "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "request-line": f"{method} {target} HTTP/1.1",
    }
    # As published: `name: value`, but the request line alone for `request-line`.
    text = "\n".join(
        values[name] if name == "request-line" else f"{name}: {values[name]}"
        for name in names.split()
    )
    mac = base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest())
    authorization = (
        f'hmac username="{user}", algorithm="hmac-sha256", headers="{names}", '
        f'signature="{mac.decode()}"'
    )
    date_header, digest = values["date"], values["digest"]
    return {"type": "hmac", "Date": date_header, "Digest": digest, "Authorization": authorization}


class Signer:
    """Sends signed requests through a client that holds no token cookie."""

    def __init__(self, app: Flask, clock: ManualClock) -> None:
        self.client: FlaskClient = app.test_client(use_cookies=False)
        self.clock = clock

    def send(
        self,
        method: str,
        target: str,
        body: Any = None,
        *,
        sent_target: str | None = None,
        sent_body: bytes | None = None,
        redigest: bool = False,
        skew_ms: int = 0,
        drop: tuple[str, ...] = (),
        **kw: Any,
    ) -> TestResponse:
        """Sign `METHOD target body`, then send it, or `sent_target`/`sent_body` instead."""
        raw = b"" if body is None else json.dumps(body).encode()
        headers = signature_headers(method, target, raw, self.clock.now_ms() + skew_ms, **kw)
        for name in drop:
            del headers[name]
        data = raw if sent_body is None else sent_body
        if redigest:  # a tamperer who also fixes the Digest header: the signature still fails
            headers["Digest"] = signature_headers(method, target, data, 0)["Digest"]
        content_type = "application/json" if data else None
        target = sent_target or target
        return self.client.open(
            target, method=method, data=data, headers=headers, content_type=content_type
        )


@pytest.fixture
def signer(app: Flask, clock: ManualClock) -> Signer:
    return Signer(app, clock)


def test_signed_gets_succeed_as_the_signing_user(api: Api, token: str, signer: Signer) -> None:
    quote = signer.send("GET", "/v2/rates/spot?symbol=EUR%2FUSD")
    assert quote.status_code == 200, quote.json
    placed = api.placed(token, api.pq_order(quote.json))
    listed = signer.send("GET", "/v2/orders")
    assert [o["orderId"] for o in listed.json] == [placed["orderId"]]


@pytest.mark.parametrize("user", ["apiUserId", "apiUserId@apiOrganizationId"])
def test_signed_post_places_an_order_and_signed_delete_cancels_it(
    signer: Signer, user: str
) -> None:
    order = new_order("Limit", "GTC", price=0.5)
    placed = signer.send("POST", "/v2/orders", order, user=user)
    assert placed.status_code == 202, placed.json
    assert placed.json["userFullName"] == "apiUserId@apiOrganizationId"
    target = f"/v2/orders/{placed.json['orderId']}"
    assert signer.send("DELETE", target, user=user).status_code == 202
    assert signer.send("GET", target, user=user).json["status"] == "CANCELLED"


def test_headers_are_signed_in_the_order_they_are_listed(signer: Signer) -> None:
    response = signer.send("GET", "/v2/orders", names="request-line digest date")
    assert response.status_code == 200, response.json


def test_a_date_up_to_five_minutes_off_is_accepted(signer: Signer) -> None:
    for skew in (-300_000, 300_000):  # five minutes exactly is still within
        assert signer.send("GET", "/v2/orders", skew_ms=skew).status_code == 200


ORDER = new_order("Limit", "GTC", price=0.5, coId="hmac-tampered")
CHANGED_BODY = json.dumps({**ORDER, "size": 9e6}).encode()
# Each tampering, and a word the 401's message must hold to show which check caught it.
TAMPERED: dict[str, tuple[dict[str, Any], str]] = {
    "wrong secret": ({"secret": "This is a wrong secret!"}, "signature"),
    "body changed after signing": ({"sent_body": CHANGED_BODY}, "digest"),
    "body and digest changed": ({"sent_body": CHANGED_BODY, "redigest": True}, "signature"),
    "path changed": ({"sent_target": "/v2/orders?coId=other"}, "signature"),
    "date six minutes behind": ({"skew_ms": -360_000}, "five minutes"),
    "date six minutes ahead": ({"skew_ms": 360_000}, "five minutes"),
    "date not an HTTP date": ({"date": "2026-01-01T10:00:00Z"}, "date"),
    "request-line not signed": ({"names": "date digest"}, "request-line"),
    "digest not signed": ({"names": "date request-line"}, "digest"),
    "no Authorization header": ({"drop": ("Authorization",)}, "authorization"),
    "unknown user": ({"user": "nobody"}, "user"),
    "user of another org": ({"user": "apiUserId@orgB"}, "user"),
    "user without a secret": ({"user": "traderB"}, "user"),
    "no Date header": ({"drop": ("Date",)}, "date"),
    "no Digest header": ({"drop": ("Digest",)}, "digest"),
}


@pytest.mark.parametrize(("tampering", "word"), TAMPERED.values(), ids=TAMPERED.keys())
def test_each_tampering_is_401_hmac_invalid_and_places_nothing(
    api: Api, token: str, signer: Signer, tampering: dict[str, Any], word: str
) -> None:
    response = signer.send("POST", "/v2/orders", ORDER, **tampering)
    assert word in assert_error(response, 401, "HMAC_INVALID")["errorMessage"].lower()
    assert api.get("/v2/orders?coId=hmac-tampered", token).status_code == 404


def test_another_algorithm_is_refused(signer: Signer) -> None:
    headers = signature_headers("GET", "/v2/orders", b"", signer.clock.now_ms())
    headers["Authorization"] = headers["Authorization"].replace("hmac-sha256", "hmac-sha1")
    body = assert_error(signer.client.get("/v2/orders", headers=headers), 401, "HMAC_INVALID")
    assert "algorithm" in body["errorMessage"]


def test_a_signature_for_one_path_does_not_open_another(signer: Signer) -> None:
    mine = signer.send("POST", "/v2/orders", new_order("Limit", "GTC", price=0.5))
    target = f"/v2/orders/{mine.json['orderId']}"
    response = signer.send("GET", target, sent_target=target.replace("/v2/orders/", "/v2/orders/9"))
    assert_error(response, 401, "HMAC_INVALID")
    query = signer.send(
        "GET", "/v2/rates/spot?symbol=EUR%2FUSD", sent_target="/v2/rates/spot?symbol=USD%2FJPY"
    )
    assert_error(query, 401, "HMAC_INVALID")


def test_a_signature_for_one_method_does_not_serve_another(signer: Signer) -> None:
    mine = signer.send("POST", "/v2/orders", new_order("Limit", "GTC", price=0.5))
    target = f"/v2/orders/{mine.json['orderId']}"
    headers = signature_headers("GET", target, b"", signer.clock.now_ms())
    assert_error(signer.client.delete(target, headers=headers), 401, "HMAC_INVALID")
    assert signer.send("GET", target).json["status"] in ("RECEIVED", "NEW")


@pytest.fixture
def host_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's host set to UTC+9, as on a laptop in Tokyo."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
@pytest.mark.usefixtures("host_in_tokyo")
def test_a_minus_zero_date_is_utc_whatever_the_hosts_time_zone(signer: Signer) -> None:
    # Was a 401 on any host off UTC: a "-0000" date was read in the host's local time.
    minus_zero = formatdate(signer.clock.now_ms() / 1000)  # Python's default form
    assert minus_zero.endswith(" -0000")
    response = signer.send("GET", "/v2/orders", date=minus_zero)
    assert response.status_code == 200, response.json


def test_non_ascii_in_the_digest_or_signature_is_a_401_not_a_crash(signer: Signer) -> None:
    headers = signature_headers("GET", "/v2/orders", b"", signer.clock.now_ms())
    headers["Digest"] = "SHA-256=\u00e9"
    headers["Authorization"] = headers["Authorization"].replace('signature="', 'signature="\u00e9')
    response = signer.client.get("/v2/orders", headers=headers)
    assert_error(response, 401, "HMAC_INVALID")
    assert "Digest" in response.json["errorMessage"]


def test_a_signed_request_is_journaled_under_its_users_org(signer: Signer) -> None:
    assert signer.send("GET", "/v2/orders").status_code == 200
    journal = signer.client.get("/__admin/journal", query_string={"org": "apiOrganizationId"})
    assert [e["path"] for e in journal.json] == ["/v2/orders"]
    elsewhere = signer.client.get("/__admin/journal", query_string={"org": "orgB"})
    assert elsewhere.json == []
