"""HTTP for the client: one request, the error mapping, and retries of what is safe to repeat."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from requests.auth import AuthBase

from integral_mock.client import wire
from integral_mock.client.answers import error_of, read_body
from integral_mock.client.errors import IntegralError, TransportError, UnreadableAnswer, plainly
from integral_mock.client.retries import RetryPolicy, retryable

log = logging.getLogger("client")
T = TypeVar("T")


@dataclass(frozen=True)
class Reply:
    """A successful answer: the decoded JSON body (numbers as Decimal) and the response."""

    data: Any
    response: requests.Response


def parse(cls: type[T], data: Any, redact: Callable[[str], str] = str) -> T:
    """Build a model from a response body; a body that does not fit is a TransportError.

    Its message quotes the value it could not read, through `redact`: a server may have put
    a password or token it echoes there.
    """
    try:
        return wire.from_wire(cls, data)
    except (TypeError, ValueError) as exc:
        raise TransportError(redact(f"response is not a valid {cls.__name__}: {exc}")) from None


def parse_list(cls: type[T], data: Any, redact: Callable[[str], str] = str) -> list[T]:
    """Build a model per item of a response array; anything else is a TransportError."""
    try:
        return list(wire.objects(cls)(data))
    except (TypeError, ValueError) as exc:
        raise TransportError(redact(f"response is not an array of {cls.__name__}: {exc}")) from None


def same(name: str, got: object, asked: object) -> None:
    """Refuse an answer about another thing than the one asked for: that is a wrong value."""
    if got != asked:
        raise TransportError(f"asked for {name} {asked!r}, the answer is about {got!r}")


class Transport:
    """Sends one logical request to the API, retrying it only when told it is safe to repeat."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session,
        timeout: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None],
        rng: random.Random,
        clock: Callable[[], float],
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep
        self._rng = rng
        self._clock = clock
        # What must never show in an error, each with its role: a server may echo a login's
        # body or a request's token in its error message (see `hide`).
        self._secrets: dict[str, str] = {}

    def send(
        self,
        method: str,
        path: str,
        *,
        auth: AuthBase | None = None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool,
        retry_if: Callable[[IntegralError], bool] | None = None,
        deadline: float | None = None,
    ) -> Reply:
        """Send, retrying a failure when `idempotent` (or, if given, when `retry_if` says so);
        never sleeping past `deadline` (on the client's clock), if one is given."""
        attempt = 0
        while True:
            try:
                return self.send_once(method, path, auth=auth, params=params, body=body)
            except IntegralError as exc:
                allowed = idempotent if retry_if is None else retry_if(exc)
                if not allowed or not self.pause_before_retry(exc, attempt, deadline):
                    raise
            attempt += 1

    def pause_before_retry(
        self, exc: IntegralError, attempt: int, deadline: float | None = None
    ) -> bool:
        """Sleep before attempt `attempt + 1` and say True, or say False if it must not happen."""
        if attempt >= self.retry.retries or not retryable(exc):
            return False
        asked = getattr(exc, "retry_after", None)
        if asked is not None and asked > self.retry.max_retry_after:
            return False
        # Retry-After is a least wait: "0" or a date gone by is still a backoff step, never
        # a retry at once.
        delay = max(asked or 0.0, self.retry.backoff.delay(attempt, self._rng))
        if deadline is not None and self._clock() + delay > deadline:
            return False
        log.info("retrying in %.3fs after %s", delay, exc)
        self._sleep(delay)
        return True

    def send_once(
        self,
        method: str,
        path: str,
        *,
        auth: AuthBase | None = None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Reply:
        headers = {"Accept": "application/json", "X-Request-ID": uuid.uuid4().hex}
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = None if body is None else wire.dumps(body)
        url = self.base_url + path
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                auth=auth,
                timeout=self.timeout,
                # requests would carry the SSO_TOKEN header and cookie to wherever a redirect
                # points, another host included; the API never redirects, so none is followed.
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            raise TransportError(self.redact(f"{method} {path}: {plainly(exc)}")) from exc
        status = response.status_code
        log.debug("%s %s -> %s", method, path, status)
        try:
            # stream: the body is read by read_body, within a deadline of its own.
            content = read_body(response, self.timeout)
        except requests.RequestException as exc:
            what = self.redact(f"{method} {path}: {status}, then {plainly(exc)}")
            # After a 2xx status line the request was accepted, whatever became of its body.
            raise (
                UnreadableAnswer(what, status) if status < 300 else TransportError(what)
            ) from exc
        if status >= 300:
            raise error_of(response, self.redact)
        try:
            decoded = wire.loads(content) if content else None
        except ValueError:
            raise UnreadableAnswer(
                f"{method} {path}: {status}, the body is not JSON", status
            ) from None
        return Reply(decoded, response)

    def hide(self, secret: str, role: str) -> None:
        """Show `secret` as `<role hidden>` in every error from now on."""
        if not secret:  # "" would match between every two characters
            return
        self._secrets.pop(secret, None)
        self._secrets[secret] = role
        # A renewed token leaves the old one in server logs and error messages still: the last
        # few stay hidden, without the list growing for as long as the client runs.
        same_role = [known for known, r in self._secrets.items() if r == role]
        for old in same_role[:-_KEPT_PER_ROLE]:
            del self._secrets[old]

    def redact(self, text: str) -> str:
        # Longest first: a secret inside another (a password within a token) hides whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, f"<{self._secrets[secret]} hidden>")
        return text


_KEPT_PER_ROLE = 8
