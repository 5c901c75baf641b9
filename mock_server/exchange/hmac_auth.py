"""HMAC request signing, Integral's alternative to the SSO token.

A signed request carries ``type: hmac``, ``Date`` (an HTTP date), ``Digest: SHA-256=<b64>`` of
the body (of an empty body when there is none) and
``Authorization: hmac username="u", algorithm="hmac-sha256", headers="date digest request-line",
signature="<b64>"``. The signing string, as Integral publishes it: for each name in ``headers``
in order, the lowercase name, ``": "`` and the value, except ``request-line``, which is the
request line itself (``GET /v2/rates/spot?symbol=EUR%2FUSD HTTP/1.1``) with no name prefix;
entries joined by newlines. The signature is base64 of HMAC-SHA256 of that string keyed with
the user's secret (sandbox decisions where Integral's page is cut off).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from email.utils import parsedate_to_datetime

from integral_mock.config import Config, User
from integral_mock.errors import Unauthorized

ALGORITHM = "hmac-sha256"
# Without all three a signature could be replayed on another path or with another body.
REQUIRED_HEADERS = ("date", "digest", "request-line")
MAX_SKEW_MS = 5 * 60 * 1000
_PARAM = re.compile(r'(\w+)="([^"]*)"')


def lowercase(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header (name, value) pairs keyed by lowercase name, as the functions here take them."""
    return {name.lower(): value for name, value in headers}


def is_hmac_request(headers: Mapping[str, str]) -> bool:
    """Whether a request (its headers keyed in lowercase) is signed rather than token-borne."""
    return headers.get("type", "").lower() == "hmac" or headers.get(
        "authorization", ""
    ).lower().startswith("hmac ")


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signing_string(names: list[str], headers: Mapping[str, str], request_line: str) -> str:
    # The draft-cavage rule Integral publishes: the request line stands alone, unprefixed.
    lines = []
    for name in names:
        name = name.lower()
        lines.append(request_line if name == "request-line" else f"{name}: {headers.get(name, '')}")
    return "\n".join(lines)


def sign(secret: str, text: str) -> str:
    mac = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def _fail(message: str) -> Unauthorized:
    return Unauthorized(message, code="HMAC_INVALID")


def _parse_authorization(value: str) -> dict[str, str]:
    scheme, _, rest = value.partition(" ")
    if scheme.lower() != "hmac":
        raise _fail('Authorization must start with "hmac "')
    params = dict(_PARAM.findall(rest))
    missing = [k for k in ("username", "algorithm", "headers", "signature") if k not in params]
    if missing:
        raise _fail(f"Authorization lacks {', '.join(missing)}")
    return params


def _find_user(config: Config, username: str) -> User:
    """`user@org`, or a bare user name that only one org has."""
    user, _, org = username.partition("@")
    found = [u for u in config.users if u.user == user and (not org or u.org == org)]
    if len(found) != 1 or not found[0].secret:
        raise _fail("Unknown HMAC user, or one without a secret")
    return found[0]


def _check_date(date: str, now_ms: int) -> None:
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        raise _fail("Date is not an HTTP date") from None
    # "-0000" (Python's formatdate() default) parses naive: it is UTC, not the host's local time.
    sent_ms = int(sent.replace(tzinfo=sent.tzinfo or dt.UTC).timestamp() * 1000)
    if abs(sent_ms - now_ms) > MAX_SKEW_MS:
        raise _fail("Date is more than five minutes from the server's clock")


def verify(
    config: Config,
    headers: Mapping[str, str],
    request_lines: Sequence[str],
    body: bytes,
    now_ms: int,
) -> User:
    """The user who signed this request, or 401 HMAC_INVALID saying what is wrong.

    `headers` are keyed in lowercase; `request_lines` are the request lines the client may
    have signed (its HTTP version, or the 1.1 a proxy may have turned into 1.0).
    """
    params = _parse_authorization(headers.get("authorization", ""))
    if params["algorithm"].lower() != ALGORITHM:
        raise _fail(f"algorithm must be {ALGORITHM}")
    names = params["headers"].lower().split()
    if not all(name in names for name in REQUIRED_HEADERS):
        raise _fail(f"headers must include {' '.join(REQUIRED_HEADERS)}")
    _check_date(headers.get("date", ""), now_ms)
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a 500, not a 401).
    if not hmac.compare_digest(headers.get("digest", "").encode(), body_digest(body).encode()):
        raise _fail("Digest does not match the body")
    user = _find_user(config, params["username"])
    given = params["signature"].encode()
    for line in request_lines:
        expected = sign(user.secret, signing_string(names, headers, line))
        if hmac.compare_digest(expected.encode(), given):
            return user
    raise _fail("Signature does not match")


def signature_of(headers: Mapping[str, str]) -> str:
    """The `signature` of a signed request's Authorization (for the replay guard)."""
    return _parse_authorization(headers.get("authorization", ""))["signature"]
