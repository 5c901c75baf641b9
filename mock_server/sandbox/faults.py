"""Faults as small composable callables of one shape: ``fault(call, proceed) -> Response``.

``proceed()`` runs the rest of the chain and, at its end, the app. A fault may wait before it
(`Delay`, `Hang`), answer in its place (`Error`, `Reset`), or spoil or drop what it returns
(`ResetAfter`, `Truncate`, `Garbage`); `Chain` nests them, outermost first. Every random choice
(a latency, garbage bytes) is drawn when the chain is planned, so faults stay deterministic.

Network faults drop the connection through the server's own socket: ``werkzeug.socket`` under
Werkzeug's server, ``gunicorn.socket`` under gunicorn. Without a socket (Flask's test client)
they raise `ConnectionDropped` to the caller instead.
"""

from __future__ import annotations

import contextlib
import errno
import random
import socket
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from werkzeug.wrappers import Response

# The Flask app renders an Error fault itself (see controls), so the answer carries the
# request id and passes the same response validation as any other.
FORCED_ERROR = "integral_mock.forced_error"

Proceed = Callable[[], Response]


class ConnectionDropped(ConnectionResetError):
    """The sandbox dropped the connection on purpose; servers treat it as a client gone."""


class Latch(Protocol):
    """What a hang waits on (fault_rules.HangLatch): True if released within `timeout`."""

    def wait(self, timeout: float) -> bool: ...


@dataclass
class Call:
    """One request as faults see it: its WSGI environ and what the faults did to it."""

    environ: dict[str, Any]
    sleep: Callable[[float], None]
    hang: Latch
    hang_ms: int
    latency_ms: int = 0
    acted: list[str] = field(default_factory=list)  # names of the faults that acted
    undelivered: Response | None = None  # an answer made and then dropped (reset-after)
    # Run just before the connection is dropped, so whoever reads the journal after the
    # client saw the drop finds the request already recorded.
    before_drop: Callable[[], None] = lambda: None

    @property
    def has_socket(self) -> bool:
        return _socket(self.environ) is not None

    def drop(self) -> NoReturn:
        self.before_drop()
        drop_connection(self.environ)


Fault = Callable[[Call, Proceed], Response]


def _socket(environ: dict[str, Any]) -> socket.socket | None:
    found = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    return found if isinstance(found, socket.socket) else None


def drop_connection(environ: dict[str, Any], *, graceful: bool = False) -> NoReturn:
    """End the connection without (the rest of) an answer, then unwind the request.

    A hard drop sets SO_LINGER (on, 0 s) so that the server's eventual close sends a reset;
    shutdown() acts at once, even though the server still holds file objects on the socket.
    A graceful drop (after part of a body) only shuts down, so the client gets those bytes.
    The ConnectionResetError raised here is what both servers read as "client went away".
    """
    sock = _socket(environ)
    if sock is not None:
        with contextlib.suppress(OSError):
            if not graceful:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped(errno.ECONNRESET, "connection dropped by a sandbox fault")


@dataclass(frozen=True)
class Delay:
    """Wait `ms`, then carry on (through the app's sleeper: tests with a manual clock skip it)."""

    ms: int

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        call.latency_ms += self.ms
        call.sleep(self.ms / 1000)
        return proceed()


ERRORS = {
    400: ("INVALID_REQUEST", "The request's sandbox controls are malformed"),
    429: ("RATE_LIMITED", "Too many requests; retry after the Retry-After delay"),
    500: ("INTERNAL_ERROR", "Internal server error (injected by the sandbox)"),
    502: ("BAD_GATEWAY", "Bad gateway (injected by the sandbox)"),
    503: ("SERVICE_UNAVAILABLE", "Service unavailable; retry after the Retry-After delay"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout (injected by the sandbox)"),
}


@dataclass(frozen=True)
class Error:
    """Answer `status` with the error object instead of running the request (nothing happens)."""

    status: int
    message: str = ""
    retry_after_s: int = 1

    @property
    def code(self) -> str:
        return ERRORS[self.status][0]

    @property
    def text(self) -> str:
        return self.message or ERRORS[self.status][1]

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        if FORCED_ERROR not in call.environ:  # the outermost error wins
            if self.status != 400:  # a refused control header is no fault
                call.acted.append(str(self.status))
            call.environ[FORCED_ERROR] = self
        return proceed()


@dataclass(frozen=True)
class Reset:
    """Drop the connection before the request runs: no answer, nothing happened."""

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        call.acted.append("reset")
        call.drop()


@dataclass(frozen=True)
class ResetAfter:
    """Run the request to the end (an order is committed), then drop the answer."""

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        call.undelivered = proceed()
        call.acted.append("reset-after")
        call.drop()


@dataclass(frozen=True)
class Truncate:
    """Send the headers (with the full Content-Length) and half the body, then hang up."""

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        response = proceed()
        body = response.get_data()
        call.acted.append("truncated")
        cut = Response(_then_drop(body[: len(body) // 2], call.environ), response.status)
        cut.headers = response.headers.copy()
        cut.headers["Content-Length"] = str(len(body))
        return cut


def _then_drop(part: bytes, environ: dict[str, Any]) -> Iterator[bytes]:
    yield part
    drop_connection(environ, graceful=True)


@dataclass(frozen=True)
class Garbage:
    """Keep status and headers, replace a success's body with seeded bytes that are not JSON.

    An error answer (4xx, 5xx) keeps its error object: every error the sandbox sends is one,
    injected faults included, so a client may always read why it failed.
    """

    seed: int

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        response = proceed()
        if response.status_code >= 400:
            return response
        size = max(16, len(response.get_data()))
        # A leading NUL guarantees no JSON parser accepts it, whatever bytes follow.
        response.set_data(b"\x00" + random.Random(self.seed).randbytes(size - 1))
        call.acted.append("garbage")
        return response


@dataclass(frozen=True)
class Hang:
    """Hold the connection without answering past the client's timeout, then drop it.

    Real time on purpose: the point is the client's socket timeout. A hang ends early when
    the faults are cleared or the sandbox is reset; without a socket it does not wait.
    """

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        call.acted.append("hang")
        if call.has_socket:
            call.hang.wait(call.hang_ms / 1000)
        call.drop()


@dataclass(frozen=True)
class Chain:
    """Several faults as one: the first wraps the second, and so on down to the app."""

    faults: tuple[Fault, ...] = ()

    def __call__(self, call: Call, proceed: Proceed) -> Response:
        def step(index: int) -> Response:
            if index == len(self.faults):
                return proceed()
            return self.faults[index](call, lambda: step(index + 1))

        return step(0)


KINDS = ("500", "502", "503", "504", "429", "reset", "reset-after", "truncated", "garbage", "hang")


def fault_of(kind: str, rng: random.Random, retry_after_s: int = 1) -> Fault:
    """The fault a kind names (one of KINDS, any case); ValueError for anything else."""
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"fault {kind!r} is none of {', '.join(KINDS)}")
    if kind.isdigit():
        return Error(int(kind), retry_after_s=retry_after_s)
    network: dict[str, Callable[[], Fault]] = {
        "reset": Reset,
        "reset-after": ResetAfter,
        "truncated": Truncate,
        "garbage": lambda: Garbage(rng.getrandbits(32)),
        "hang": Hang,
    }
    return network[kind]()
