"""Follow-up requests through Schemathesis' transport: in-process, to --base-url, or st's --url."""

# The operation's schema knows where its server is (the WSGI app, or a base URL), so the same
# call reaches whatever the run targets.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemathesis import Case, Response
from schemathesis.schemas import BaseSchema

from integral_mock.contracts.credentials import Credentials

TOKEN = "SSO_TOKEN"


def request(schema: BaseSchema, operation_id: str, token: str | None = None, **parts: Any) -> Case:
    """A case for `operation_id` carrying `token`; `parts` are Case fields (query, body, ...)."""
    operation = schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
    case: Case = operation.Case(headers={TOKEN: token} if token else {}, **parts)
    return case


def send(schema: BaseSchema, operation_id: str, token: str | None = None, **parts: Any) -> Response:
    return request(schema, operation_id, token, **parts).call()


def look_up(
    schema: BaseSchema, token: str | None, order: dict[str, Any]
) -> tuple[Response, Response]:
    """`order` asked for with `token`, by orderId and by coId."""
    by_id = send(schema, "getOrder", token, path_parameters={"id": order["orderId"]})
    return by_id, send(schema, "queryOrders", token, query={"coId": order["coId"]})


def look_everywhere(
    schema: BaseSchema, token: str | None, order: dict[str, Any]
) -> tuple[Response, Response, Response, Response]:
    """`order` asked for with `token` by orderId and by coId, the list of active orders, and
    the order's trades."""
    trades = send(schema, "getOrderTrades", token, path_parameters={"id": order["orderId"]})
    return (*look_up(schema, token, order), send(schema, "queryOrders", token), trades)


def login(schema: BaseSchema, credentials: Credentials) -> str:
    """A fresh token for `credentials`, or an error naming who could not log in and why."""
    response = send(schema, "login", body=credentials.as_login())
    tokens = response.headers.get(TOKEN.lower())
    if response.status_code != 200 or not tokens:
        # A 200 without the header: the published samples read the token from it, not a cookie.
        missing = f" without an {TOKEN} header" if response.status_code == 200 else ""
        raise RuntimeError(
            f"login as {credentials.user}@{credentials.org} answered {response.status_code}"
            f"{missing}: {response.text_lossy()[:300]}"
        )
    return tokens[0]


def token_of(case: Case) -> str | None:
    """The token a case was sent with, as header or cookie."""
    headers: Mapping[str, Any] = case.headers or {}
    value = headers.get(TOKEN) or (case.cookies or {}).get(TOKEN)
    return value if isinstance(value, str) else None
