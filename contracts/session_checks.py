"""Our checks of a login's and a renewal's envelope, from Integral's published login answer."""

# Published: `expiryTime` and `serverUTCTime` are epoch milliseconds, and the token is valid
# for a limited time from the answer on (the docs' example: 60 s between the two); the token
# comes back as the SSO_TOKEN header and as `Set-Cookie: SSO_TOKEN=…; Path=/`. Failures are
# AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts.calls import TOKEN

# 2001-09-09 in epoch milliseconds: every real clock since reads more, and epoch seconds less.
EPOCH_MS_FLOOR = 10**12
SESSION_PATHS = ("/v2/sso/login", "/v2/sso/token/renew", "/sso/tokens/renew")


def token_expires_after_the_answer(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 login or renewal gives epoch-millisecond times, expiryTime after serverUTCTime."""
    if case.operation.path not in SESSION_PATHS or response.status_code != 200:
        return
    try:
        body: Any = response.json()
    except ValueError:
        return  # not JSON: the schema and content-type checks say so
    if not isinstance(body, dict):
        return
    name = "token_expires_after_the_answer"
    now, expiry = _integer(body.get("serverUTCTime")), _integer(body.get("expiryTime"))
    if now is None or expiry is None:
        return  # a wrong type: the schema check says so
    for field, value in (("serverUTCTime", now), ("expiryTime", expiry)):
        assert value >= EPOCH_MS_FLOOR, f"{name}: {field} {value} is not epoch milliseconds"
    assert expiry > now, f"{name}: expiryTime {expiry} is not after serverUTCTime {now}"


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def token_cookie_is_the_token(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 login or renewal sets the cookie SSO_TOKEN to the token of its SSO_TOKEN header,
    for Path=/ (a cookie scoped to /v2/sso would never reach the other calls)."""
    if case.operation.path not in SESSION_PATHS or response.status_code != 200:
        return
    tokens = response.headers.get(TOKEN.lower()) or []
    cookies = [c for c in response.headers.get("set-cookie") or [] if c.startswith(f"{TOKEN}=")]
    if not tokens or not cookies:
        return  # missing: the response headers check says so
    name = "token_cookie_is_the_token"
    value, *attributes = (part.strip() for part in cookies[-1].split(";"))
    cookie = value.partition("=")[2]
    assert cookie == tokens[0], f"{name}: the cookie is {cookie!r}, the header {tokens[0]!r}"
    paths = [a.partition("=")[2] for a in attributes if a.partition("=")[0].lower() == "path"]
    assert paths == ["/"], f"{name}: the cookie's Path is {paths or 'not set'}, not /"
