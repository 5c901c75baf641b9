"""HMAC request signing, Integral's alternative to the SSO token, as a requests auth class."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Mapping

import requests
from requests.auth import AuthBase

ALGORITHM = "hmac-sha256"
# What the signature covers: without all three it could be replayed on another path or body.
SIGNED = ("date", "digest", "request-line")
_QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]+")  # printable ASCII but `"` and `\`
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_REMEMBERED = 256  # unsafe requests whose last Date is kept, oldest forgotten first


def body_digest(body: bytes) -> str:
    """The Digest header: `SHA-256=` and the base64 of the body's SHA-256 (b"" for none)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def http_date(epoch_seconds: float) -> str:
    """An IMF-fixdate (`Thu, 01 Jan 2026 10:00:00 GMT`), as the Date header wants."""
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(epoch_seconds))


def request_line(request: requests.PreparedRequest) -> str:
    """`METHOD path?query HTTP/1.1`, with the path and query exactly as they go on the wire
    and the version requests speaks (it speaks no other)."""
    return f"{request.method} {request.path_url} HTTP/1.1"


def signing_string(headers: Mapping[str, str], line: str) -> str:
    """For each signed name, `name: value`, joined by newlines (no trailing newline).

    `request-line` is written as the request line itself, with no name prefix, as Integral
    publishes. `headers` are looked up by lowercase name (requests' headers ignore case).
    """

    def entry(name: str) -> str:
        return line if name == "request-line" else f"{name}: {headers[name]}"

    return "\n".join(entry(name) for name in SIGNED)


def signature(secret: str, text: str) -> str:
    """Base64 of HMAC-SHA256 over `text`, keyed with `secret`."""
    mac = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")  # what urllib3 sends for a str body
    raise TypeError("cannot sign a streamed body: pass the body as bytes")


class HmacAuth(AuthBase):
    """Signs each request with the user's secret instead of sending an SSO token.

    It sets `type: hmac`, `Date`, `Digest` and `Authorization`, and works with plain requests
    too: `requests.get(url, auth=HmacAuth(…))`. `user` is the login name (the sandbox also
    takes `user@org`). `clock` gives the wall time, epoch seconds, for `Date`, which the server
    refuses when more than five minutes off its own clock: against a sandbox on a manual clock,
    pass that clock. (Not the client's `clock`, which is monotonic and has no epoch.)
    """

    def __init__(self, user: str, secret: str, *, clock: Callable[[], float] = time.time) -> None:
        if not _QUOTABLE.fullmatch(user):
            # It goes in `username="…"`: a quote would end it early, and a header is Latin-1
            # at best, so a non-ASCII name failed in http.client on the first call.
            raise ValueError(f'HMAC user {user!r} must be printable ASCII without " or \\')
        self.user = user
        self._secret = secret
        self._clock = clock
        # (request line, digest) of each unsafe request signed -> the Date second it used.
        self._signed: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HmacAuth(user={self.user!r}, secret=<hidden>)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # Called by requests once the URL and body are final: what is signed is what is sent.
        headers = request.headers
        line, digest = request_line(request), body_digest(_body_bytes(request.body))
        headers["type"] = "hmac"
        headers["Date"] = http_date(self._date_second(request.method or "", line, digest))
        headers["Digest"] = digest
        signed = signature(self._secret, signing_string(headers, line))
        headers["Authorization"] = (
            f'hmac username="{self.user}", algorithm="{ALGORITHM}", '
            f'headers="{" ".join(SIGNED)}", signature="{signed}"'
        )
        return request

    def _date_second(self, method: str, line: str, digest: str) -> int:
        """The Date to sign with: now, or for a POST or DELETE signed already this second
        (a retry), the second after the last one it used.

        The Date is the only part of a resent request that can change, and a server that
        refuses a replayed signature (the sandbox: 401 HMAC_REPLAYED) would refuse a retry
        signed within the same second. A second or three ahead is well within the five
        minutes a Date may be off.
        """
        now = int(self._clock())
        if method.upper() in _SAFE:
            return now
        key = (line, digest)
        with self._lock:
            last = self._signed.pop(key, None)
            second = now if last is None else max(now, last + 1)
            self._signed[key] = second
            if len(self._signed) > _REMEMBERED:
                del self._signed[next(iter(self._signed))]
        return second
