"""The client's core: settings, session, login or HMAC signing, and the one way to call."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import requests
from requests.auth import AuthBase

from integral_mock.client.answers import refusal_in
from integral_mock.client.auth import Authenticator, TokenAuth
from integral_mock.client.errors import IntegralError, Unauthorized
from integral_mock.client.hmac_auth import HmacAuth
from integral_mock.client.models import LoginResult, RenewResult
from integral_mock.client.retries import Backoff, RetryPolicy
from integral_mock.client.transport import Reply, Transport, parse, parse_list

log = logging.getLogger("client")
T = TypeVar("T")


class BaseClient:
    """Holds the transport and the credentials; the operations live in IntegralClient's bases.

    Give `user`, `password` and `org` to log in for a token, or `auth=HmacAuth(user, secret)`
    to sign every call instead (then no login happens, and `password` may be left out).
    """

    def __init__(
        self,
        base_url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        org: str | None = None,
        auth: AuthBase | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        poll: Backoff | None = None,
        renew_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url {base_url!r} must start with http:// or https://")
        if not 0 < timeout < float("inf"):  # requests refuses 0 only inside the first call
            raise ValueError(f"timeout {timeout} must be a positive, finite number of seconds")
        if not 0 <= renew_margin < float("inf"):  # NaN would never renew, < 0 only too late
            raise ValueError(f"renew_margin {renew_margin} must be finite seconds, 0 or more")
        self._own_session = session is None
        self._rng = rng or random.Random()
        self._transport = Transport(
            base_url,
            session=session or requests.Session(),
            timeout=timeout,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            rng=self._rng,
            clock=clock,
        )
        self._signer = auth
        if isinstance(auth, HmacAuth):
            self._transport.hide(auth._secret, "secret")  # noqa: SLF001 - its own package
        self._auth: Authenticator | None = None
        if user is not None and password is not None and org is not None:
            self._auth = Authenticator(
                self._transport,
                user=user,
                password=password,
                org=org,
                clock=clock,
                renew_margin=renew_margin,
            )
        elif auth is None:
            raise TypeError("give user, password and org, or auth=HmacAuth(user, secret)")
        self._poll = poll or Backoff(first=0.05, cap=1.0)
        self._clock = clock
        self._sleep = sleep

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session, unless the caller passed it in and so owns it."""
        if self._own_session:
            self._transport.session.close()

    def login(self) -> LoginResult:
        """Log in (other calls do so by themselves when needed) and keep the token."""
        return self._authenticator().login()

    def renew_token(self) -> RenewResult:
        """Exchange the token for a fresh one (other calls do so before it expires)."""
        return self._authenticator().renew()

    renew = renew_token  # the shorter name, kept for callers of earlier versions

    def _authenticator(self) -> Authenticator:
        if self._auth is None:
            raise RuntimeError("this client signs its calls (auth=…) and has no password")
        return self._auth

    def _parse(self, cls: type[T], data: Any) -> T:
        """transport.parse, with secrets redacted from what it says of a body it refuses."""
        return parse(cls, data, self._transport.redact)

    def _parse_list(self, cls: type[T], data: Any) -> list[T]:
        return parse_list(cls, data, self._transport.redact)

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool = True,
        retry_if: Callable[[IntegralError], bool] | None = None,
        deadline: float | None = None,
        error_bodies: bool = True,
    ) -> Reply:
        """One operation: signed, or with a token (logging in again once on a 401); no retry
        waits past `deadline`, if given. A 2xx whose body is an error object is raised as
        that error (an ApiError with the 2xx status), unless `error_bodies` is False."""
        reply = self._send(method, path, params, body, idempotent, retry_if, deadline)
        if error_bodies:
            refusal_in(reply.response, reply.data, self._transport.redact)
        return reply

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: Mapping[str, Any] | None,
        idempotent: bool,
        retry_if: Callable[[IntegralError], bool] | None,
        deadline: float | None,
    ) -> Reply:
        """_call's sending: signed, or with a token and one login more on a 401."""

        def send(auth: AuthBase) -> Reply:
            return self._transport.send(
                method,
                path,
                auth=auth,
                params=params,
                body=body,
                idempotent=idempotent,
                retry_if=retry_if,
                deadline=deadline,
            )

        if self._signer is not None:
            # A 401 here is a wrong secret or a Date off the server's clock: no retry helps.
            return send(self._signer)
        tokens = self._authenticator()
        token = tokens.token()  # a failed login is raised as it is, not tried twice
        try:
            return send(TokenAuth(token))
        except Unauthorized as exc:
            # The token died early (server restart, clock jump, revocation): log in once more.
            # A 401 is answered before anything happens, so even a POST is safe to repeat.
            log.info("%s; logging in again", exc)
            return send(TokenAuth(tokens.login_token()))
