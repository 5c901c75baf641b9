"""Secrets out of what the journal keeps: credential headers, fields, query values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

from integral_mock.integral.json_input import strict_loads

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"sso_token", "cookie", "set_cookie", "authorization"})
SECRET_FIELDS = frozenset(
    {"pass", "passwd", "password", "secret", "token", "sso_token", "signature"}
)
# A key holding one of these words is a secret too: apiToken, client_secret, newPassword.
SECRET_WORDS = ("password", "secret", "token", "signature")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
BODY_LIMIT = 16 * 1024  # characters kept of a body that is not JSON
# The API's bodies are a few levels deep; a deeper one is kept as text, so that walking it
# can never exhaust the stack of the request that is being recorded.
MAX_DEPTH = 32


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict, with every credential-bearing one replaced.

    Names are compared with `-` as `_`: a WSGI server hands SSO_TOKEN over as `Sso-Token`.
    """
    return {k: REDACTED if k.lower().replace("-", "_") in SECRET_HEADERS else v for k, v in headers}


def redact_body(data: bytes | None, *, credentials: bool = False) -> Any:
    """The body as JSON (secret fields replaced) when it is JSON, else as (short) text.

    Redaction goes by what the body means, after parsing: a key written `"p\u0061ss"` is
    `pass`. A body that carries credentials (a login) and does not parse is never kept.
    """
    if not data:
        return None
    try:
        return _redact(strict_loads(data), MAX_DEPTH)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than we (or json) walk
        return REDACTED if credentials else _redact_text(data)


class RawJson(str):
    """JSON text the sandbox wrote itself, kept as written: Journal.record splices it in."""


# Every secret field's name holds one of these (SECRET_FIELDS, SECRET_WORDS).
_SECRET_STEMS = ("pass", "secret", "token", "signature")


def redact_answer(data: bytes, mimetype: str, *, as_written: bool) -> Any:
    """An answer's body as redact_body has it, or, when it is JSON the app wrote (no fault
    rewrote it: `as_written`) naming no secret, its text as it is. Parsing and encoding again
    each answer was a tenth of a spot rate's cost. Python's encoder never escapes an ASCII
    letter, so a secret's name in such text is always spelled out."""
    if not data:
        return None  # a HEAD's answer, or an empty one
    if as_written and mimetype == "application/json" and data.isascii():
        text = data.decode("ascii")
        lowered = text.lower()
        # An escape could spell a name that lowers to a secret's ("to\u212aen"): parsed then.
        if "\\u" not in text and not any(stem in lowered for stem in _SECRET_STEMS):
            return RawJson(text)
    return redact_body(data)


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_FIELDS or any(word in lowered for word in SECRET_WORDS)


def _redact(value: Any, depth: int) -> Any:
    if isinstance(value, dict | list) and depth == 0:
        raise ValueError("nested too deeply to redact")
    if isinstance(value, dict):
        return {k: REDACTED if _is_secret(k) else _redact(v, depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, depth - 1) for v in value]
    return value


def _redact_text(data: bytes) -> str:
    """Text kept as is, unless it names a secret field (a form-encoded or broken JSON login)."""
    text = data[:BODY_LIMIT].decode("utf-8", "replace")
    # JSON escapes spelled out first, so `p\u0061ss` is looked at as `pass`.
    meant = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text).lower()
    return REDACTED if any(name in meant for name in SECRET_FIELDS) else text


def redact_query(query: str) -> str:
    """The query string, with the value of any secret parameter (a token put in a URL) replaced."""
    parts = []
    for part in query.split("&"):
        name, sep, _ = part.partition("=")
        parts.append(f"{name}={REDACTED}" if sep and _is_secret(unquote_plus(name)) else part)
    return "&".join(parts)
