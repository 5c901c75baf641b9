"""The SSO token: taken from login or renew, sent on each call, renewed before it expires."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from requests.auth import AuthBase

from integral_mock.client.answers import error_of
from integral_mock.client.errors import IntegralError, TransportError
from integral_mock.client.models import LoginResult, RenewResult
from integral_mock.client.transport import Reply, Transport, parse

log = logging.getLogger("client")
TOKEN = "SSO_TOKEN"
LOGIN_PATH = "/v2/sso/login"
RENEW_PATH = "/v2/sso/token/renew"
R = TypeVar("R", bound=LoginResult)


@dataclass(frozen=True)
class Token:
    """A token and when, on the client's own clock, it stops being good."""

    value: str = field(repr=False)  # a credential: kept out of logs and tracebacks
    obtained_at: float
    lifetime: float | None  # None: unknown, used until a 401

    def due(self, now: float, margin: float) -> bool:
        """Whether to renew now: less than `margin` left (at most half of a short lifetime)."""
        if self.lifetime is None:
            return False
        return now >= self.obtained_at + self.lifetime - min(margin, self.lifetime / 2)


def lifetime(result: LoginResult) -> float | None:
    """Seconds the token lives, or None when the answer's times make no sense of it.

    From two readings of the server's clock, so a skewed client clock does not matter; counted
    from when the request left, it errs on the early side. A time below 10^11 (1973 in ms,
    year 5138 in seconds) is in seconds. An expiry at or before the server's time would have
    the token renewed before every call: it is used instead until a 401 says it is dead.
    """
    expiry, now = (
        t * 1000 if 0 <= t < 10**11 else t for t in (result.expiry_time, result.server_utc_time)
    )
    return (expiry - now) / 1000 if expiry > now else None


class TokenAuth(AuthBase):
    """Sends the token as the SSO_TOKEN header and as the SSO_TOKEN cookie, in place of any other.

    The header is what Integral's code samples send; the cookie (what its tutorials say) gets
    through servers and proxies that drop underscored headers, as nginx, gunicorn and werkzeug
    do by default.
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "TokenAuth(<hidden>)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[TOKEN] = self._token
        cookies = request.headers.get("Cookie", "").split("; ")
        others = [c for c in cookies if c and not c.startswith(f"{TOKEN}=")]
        request.headers["Cookie"] = "; ".join([*others, f"{TOKEN}={self._token}"])
        return request


def token_from(response: requests.Response) -> str:
    """The token of a login or renew answer: the header real clients read, else the cookie."""
    # Spaces around a header's value are not part of it (RFC 9110, 5.5), nor a cookie's.
    header, cookie = response.headers.get(TOKEN) or "", response.cookies.get(TOKEN) or ""
    value = header.strip() or cookie.strip()
    if not value:
        raise TransportError(f"the answer carries no {TOKEN} header or cookie")
    return value


def forget_cookie(jar: requests.cookies.RequestsCookieJar) -> None:
    """Drop the SSO_TOKEN cookie the session stored: the client sends its own on each call.

    Kept, it would travel beside the client's, and a session shared by two clients would mix
    their tokens.
    """
    for cookie in [c for c in jar if c.name == TOKEN]:
        jar.clear(cookie.domain, cookie.path, cookie.name)


class Authenticator:
    """Holds the credentials and the current token; logs in lazily and renews ahead of expiry."""

    def __init__(
        self,
        transport: Transport,
        *,
        user: str,
        password: str,
        org: str,
        clock: Callable[[], float],
        renew_margin: float,
    ) -> None:
        self._transport = transport
        self._credentials = {"user": user, "pass": password, "org": org}
        transport.hide(password, "password")
        self._clock = clock
        self._margin = renew_margin
        self._token: Token | None = None

    def login(self) -> LoginResult:
        started = self._clock()
        # Login has no side effect but a new token, so it is as safe to retry as a GET.
        reply = self._transport.send("POST", LOGIN_PATH, body=self._credentials, idempotent=True)
        return self._keep(LoginResult, reply, started)

    def renew(self) -> RenewResult:
        if self._token is None:
            self.login()
        assert self._token is not None
        token = self._token.value
        started = self._clock()
        reply = self._transport.send("GET", RENEW_PATH, auth=TokenAuth(token), idempotent=True)
        return self._keep(RenewResult, reply, started)

    def token(self) -> str:
        """A token good for the next call: logs in first, or renews one close to expiry."""
        if self._token is None:
            self.login()
        elif self._token.due(self._clock(), self._margin):
            try:
                self.renew()
            except IntegralError as exc:
                # Refused (401), not served (404, 405), answered without a token: whatever
                # failed, a login gets a token all the same, and renewing only saves one.
                log.info("renewal failed (%s); logging in again", exc)
                self.login()
        assert self._token is not None
        return self._token.value

    def login_token(self) -> str:
        """Log in afresh (after a 401) and return the new token."""
        self.login()
        assert self._token is not None
        return self._token.value

    def _keep(self, cls: type[R], reply: Reply, started: float) -> R:
        forget_cookie(self._transport.session.cookies)  # first, even if the body is refused
        if isinstance(reply.data, dict) and reply.data.get("status") == "ERROR":
            # The login envelope has a status and an errorCode of its own: a venue refusing in
            # the body of a 200 says why there, which a "missing fields" error would lose.
            raise error_of(reply.response, self._transport.redact)
        result = parse(cls, reply.data, self._transport.redact)
        self._token = Token(token_from(reply.response), started, lifetime(result))
        self._transport.hide(self._token.value, "token")
        return result
