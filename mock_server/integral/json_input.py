"""JSON as RFC 8259 has it: no NaN or Infinity, and text that UTF-8 can carry."""

from __future__ import annotations

import json
import sys
from typing import Any

from flask import Request


class _NotStandard(ValueError):
    """A body that Python's parser takes but JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise _NotStandard(f"{name} is not a JSON number")


def _checked_int(digits: str) -> int:
    # JSON sets no limit, but Python refuses to convert an integer this long (a guard against
    # quadratic time); no field of the API holds one, so it is refused in words of our own.
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise _NotStandard(
            f"a number of more than {limit} digits, which no field of this API takes"
        )
    return int(digits)


def unreadable_json(request: Request) -> str | None:
    """Why the JSON body of `request` cannot be read as the client meant it; None otherwise.

    A body under a content coding (`Content-Encoding: gzip`) was read as it came, coded: a
    gzipped order was "not UTF-8 JSON", and a plain one labelled gzip was taken, hiding a
    client that would send garbage to a server that does decode. The sandbox decodes none.
    """
    data = request.get_data(cache=True)
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if data and coding not in ("", "identity"):
        return f"the body is {coding}-coded (Content-Encoding), which the sandbox does not decode"
    return non_standard(data)


def non_standard(data: bytes) -> str | None:
    """Why `data` is not standard JSON although Python would parse it; None otherwise.

    Python's json takes NaN, Infinity and -Infinity (and refuses an integer of more than 4300
    digits, which is JSON), and `"\\ud800"` (a lone surrogate, which
    no UTF-8 text holds). Stored, either makes every later read of the row fail; echoed, it
    makes an answer that strict parsers refuse. A NUL (`"\\u0000"`) is JSON, but no field of
    the API holds one, and PostgreSQL refuses it in text: refused on either engine alike. A
    body that is no JSON at all is left to the spec validator, which says so in its own words.

    It also takes UTF-16 and UTF-32 (RFC 8259: JSON between systems is UTF-8; a client sending
    UTF-16 passed here to fail elsewhere), and a key given twice in one object, keeping the
    last: `{"side": "Sell", ..., "side": "Buy"}` bought without a word, where another parser
    keeps the first or refuses it. A UTF-8 byte order mark passes, as RFC 8259 lets it.
    """
    encoding = json.detect_encoding(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        return f"the body is {encoding.upper()}, not UTF-8 JSON"
    try:
        value = json.loads(
            data,
            parse_constant=_refuse_constant,
            parse_int=_checked_int,
            object_pairs_hook=_unique_keys,
        )
    except _NotStandard as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None
    return _untextual(value)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _NotStandard(f"the key {json.dumps(key)} is given twice in one object")
            seen.add(key)
    return found


def _untextual(value: Any) -> str | None:
    # A stack, not recursion: the depth of a body is the client's choice.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and (reason := text_problem(item)) is not None:
            return reason
    return None


def text_problem(text: str) -> str | None:
    """Why `text` cannot be taken as a value of the API, or None."""
    if not _is_utf8_text(text):
        return "text holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
    if "\x00" in text:
        return "text holds a NUL character (\\u0000), which no field of this API takes"
    return None


def _is_utf8_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def strict_loads(data: bytes) -> Any:
    """Parse standard JSON only; ValueError for anything else, NaN and lone surrogates too."""
    value = json.loads(data, parse_constant=_refuse_constant, parse_int=_checked_int)
    if (reason := _untextual(value)) is not None:
        raise ValueError(reason)
    return value
