"""A scripted HTTP server for answers the sandbox never gives: each route answers what a test says.

The sandbox keeps to the spec; the real UAT, a proxy or a broken server may not. A route maps
(method, path) to a list of answers, used in turn (the last one repeats); each request is kept.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from integral_mock.client import IntegralClient

Headers = dict[str, str]
START = 1_700_000_000_000  # the fake server's clock, epoch ms
LOGIN, SPOT, ORDERS = "/v2/sso/login", "/v2/rates/spot", "/v2/orders"
RATE = {
    "symbol": "EUR/USD",
    "bid": 1.1,
    "offer": 1.2,
    "bidLimit": 1e6,
    "offerLimit": 1e6,
    "time": START,
    "rateId": "r1",
}


@dataclass
class Answer:
    """One scripted answer; `body` is JSON unless bytes, or chunks yielded slowly (`pace`)."""

    status: int = 200
    body: Any = None
    headers: Headers = field(default_factory=dict)
    pace: float = 0.0  # seconds between the chunks of a bytes-list body
    reason: str = "Scripted"  # the status line's reason phrase

    def chunks(self) -> Iterable[bytes]:
        if isinstance(self.body, list) and self.body and isinstance(self.body[0], bytes):
            for chunk in self.body:
                time.sleep(self.pace)
                yield chunk
        elif isinstance(self.body, bytes):
            yield self.body
        elif self.body is not None:
            yield json.dumps(self.body).encode()


def login_ok(token: str = "t" * 20, lifetime_ms: int = 1_800_000, **extra: Any) -> Answer:
    """A login (or, with `extra`, renew) answer carrying `token` in the SSO_TOKEN header."""
    body = {"status": "OK", "errorCode": None, "responseTuples": None}
    body |= {"expiryTime": START + lifetime_ms, "serverUTCTime": START, **extra}
    return Answer(200, body, {"SSO_TOKEN": token})


def error(status: int, code: str, message: str = "scripted", **headers: str) -> Answer:
    body = {"status": "ERROR", "errorCode": code, "errorMessage": message, "responseTuples": None}
    return Answer(status, body, headers)


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: Headers
    body: bytes


class FakeServer:
    """The routes and what arrived; `script` replaces a route's answers."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer | Callable[[Seen], Answer]]] = {}
        self.seen: list[Seen] = []
        self.base_url = ""

    def script(self, method: str, path: str, *answers: Answer | Callable[[Seen], Answer]) -> None:
        self.routes[(method, path)] = list(answers)

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.seen if (s.method, s.path) == (method, path))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        seen = Seen(
            request.method,
            request.path,
            request.query_string.decode("latin-1"),
            dict(request.headers),
            request.get_data(),
        )
        self.seen.append(seen)
        queue = self.routes.get((seen.method, seen.path)) or [error(404, "NOT_SCRIPTED")]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer):
            answer = answer(seen)
        headers = {"Content-Type": "application/json", "Date": formatdate(usegmt=True)}
        headers |= answer.headers
        start_response(f"{answer.status} {answer.reason}", list(headers.items()))
        return answer.chunks()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        # As http.server's, less its Date: FakeServer sends one, or the one a test scripts.
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


@contextmanager
def serving(app: FakeServer) -> Iterator[FakeServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class SteppedTime:
    """A clock that moves only when the client sleeps: waits cost no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


PASSWORD = "a password nobody may see"


def client_of(server: FakeServer, time_: SteppedTime, **overrides: Any) -> IntegralClient:
    """An IntegralClient of `server` on stepped time (seconds, not the epoch)."""
    settings: dict[str, Any] = {
        "user": "u",
        "password": PASSWORD,
        "org": "o",
        "clock": time_.clock,
        "sleep": time_.sleep,
        "rng": random.Random(1),
        "timeout": 2.0,
    }
    return IntegralClient(server.base_url, **{**settings, **overrides})
