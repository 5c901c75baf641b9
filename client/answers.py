"""Reading an answer: its body within a deadline, and the exception an error answer is."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from integral_mock.client import wire
from integral_mock.client.errors import IntegralError, error_class

CHUNK = 65536
# Far above any answer of the API (a trade batch, the positions): a server streaming without
# end within the timeout would otherwise be held in memory whole.
MAX_BODY = 32 << 20
# An errorCode as the spec's pattern has it (UPPER_SNAKE_CASE).
_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


def read_body(response: requests.Response, within: float) -> bytes:
    """The whole body, which must arrive within `within` seconds of the headers.

    The request's timeout bounds each read of the socket, not their sum: a server trickling
    a byte a second would hold the caller for ever. Past the deadline: requests.ReadTimeout.
    """
    read1 = getattr(response.raw, "read1", None)
    # Read already (by a session that looks at every answer), or by urllib3 before 2.3,
    # which reads `amt` bytes or to the end, so that a deadline could not be kept anyway.
    if getattr(response, "_content_consumed", False) or read1 is None:
        return response.content
    deadline = time.monotonic() + within
    chunks = []
    try:
        size = 0
        while chunk := read1(CHUNK, decode_content=True):
            chunks.append(chunk)
            size += len(chunk)  # decoded: a gzip bomb counts at its real size
            if size > MAX_BODY:
                raise requests.exceptions.ContentDecodingError(
                    f"the body is over {MAX_BODY >> 20} MiB"
                )
            if time.monotonic() > deadline:
                raise requests.ReadTimeout(f"the body took over {within}s to arrive")
    except requests.RequestException:
        raise  # the deadline's (an OSError too, as every requests exception)
    except (Urllib3Error, OSError) as exc:
        # As requests reports a body broken after the headers: the request did arrive.
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    finally:
        response.close()
    response._content = b"".join(chunks)  # for response.content, as requests would keep it
    return response._content


def refusal_in(response: requests.Response, data: Any, redact: Callable[[str], str]) -> None:
    """Raise the error object a 2xx carries as its body, as a venue refusing in a 200 does."""
    if isinstance(data, dict) and data.get("status") == "ERROR" and "errorCode" in data:
        raise error_of(response, redact)


def error_of(response: requests.Response, redact: Callable[[str], str]) -> IntegralError:
    """The exception for an error answer: its error object's fields, with secrets redacted."""
    try:
        body = wire.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errorCode"), str):
        # A code as the spec writes them stays as sent: a short password inside one (COID in
        # DUPLICATE_COID) would otherwise turn it into a code no caller knows.
        code = (
            body["errorCode"] if _CODE.fullmatch(body["errorCode"]) else redact(body["errorCode"])
        )
        message = redact(str(body.get("errorMessage") or ""))
        tuples = _redacted(body.get("responseTuples"), redact)
    else:
        # A proxy in the way may answer HTML; keep the status, which is what callers act on.
        code, message, tuples = f"HTTP_{response.status_code}", response.reason or "", None
        if response.is_redirect:
            message += f" to {response.headers['Location']} (not followed; check base_url)"
        message = redact(message)  # a reason phrase or Location may echo what was sent too
    return error_class(response.status_code)(
        response.status_code,
        code,
        message,
        tuples,
        retry_after=_retry_after(response),
        request_id=response.headers.get("X-Request-ID"),
    )


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    """`value` (decoded JSON) with every string in it redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v, redact) for k, v in value.items()}
    return value


def _retry_after(response: requests.Response) -> float | None:
    """Seconds to wait, from delta-seconds or an HTTP-date (RFC 9110, 10.2.3); else None."""
    value = response.headers.get("Retry-After", "").strip()
    # ASCII digits only: "²" (a Latin-1 byte in a header) is a digit to isdigit, not to float.
    if value.isascii() and value.isdigit():
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    # Counted from the answer's own Date: the server's clock, so a skewed client's does not
    # matter. A date already past asks for no wait (the backoff still paces the retry).
    now = _http_date(response.headers.get("Date", ""))
    return max(when - (time.time() if now is None else now), 0.0)


def _http_date(value: str) -> float | None:
    """An HTTP-date as epoch seconds, or None if `value` is none."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": UTC by RFC 5322, naive to the email package
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()
