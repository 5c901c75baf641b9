"""A body the HTTP server streams (chunked, no Content-Length): read whole, or refused in words.

Werkzeug reads such a body up to the app's limit and stops there without a word: a larger
one came to the spec's checks cut short and was a 400 "not UTF-8 JSON", not the 413 a body
with a Content-Length over the limit gets. And gunicorn unframes chunks only as they are
read: a malformed chunk surfaced in the middle of a view as its own exception, a 500.
"""

from __future__ import annotations

from typing import Any

from flask import request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import RequestEntityTooLarge

from integral_mock.errors import BadRequest

# How much of a streamed body past the limit is read and dropped before the 413 (see _drain).
DRAIN_BYTES = 1 << 20


def read_streamed_body() -> None:
    """Before any view: read a streamed body once (cached for every later reader), 413 if it
    runs past the limit, 400 if its chunks are malformed. A body whose Content-Length is
    over the limit is a 413 too, once what of it was sent is read (see _drain)."""
    limit = request.max_content_length
    if request.content_length is not None and limit is not None:
        if request.content_length > limit:  # refused unread: read it away first, as below
            _drain(request.environ["wsgi.input"], request.content_length)
            raise RequestEntityTooLarge()
        return
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return  # a Content-Length within the limit, or no stream at all
    try:
        request.get_data(cache=True)
        # What Werkzeug left unread: a body exactly at the limit leaves nothing.
        beyond_the_limit = request.environ["wsgi.input"].read(1)
    except ParseException as exc:
        problem = {"field": "body", "message": f"its chunked framing is malformed ({exc})"}
        raise BadRequest(f"body: {problem['message']}", fields=[problem]) from None
    if beyond_the_limit:
        _drain(request.environ["wsgi.input"], DRAIN_BYTES)  # a chunked stream ends by itself
        raise RequestEntityTooLarge()


def _drain(stream: Any, length: int) -> None:
    """Read what is left of a body refused as too large, at most its `length` and a bound: a
    server that closes the connection with it unread resets it, and the client sees no 413,
    only the reset. Never past `length`: where `wsgi.input` is the socket itself (Werkzeug's
    own server, which running_sandbox uses), a read beyond the body waits for the client,
    which waits for the answer."""
    budget = min(length, DRAIN_BYTES)
    try:
        while budget > 0 and (chunk := stream.read(min(budget, 65536))):
            budget -= len(chunk)
    except (ParseException, OSError):
        pass  # malformed or cut off: nothing more to read, the 413 stands
