"""How `serve` runs the app: gunicorn with a gevent worker, and error pages as JSON.

gevent, because an injected wait must not hold what other clients need: a `hang`, a long
`X-Sandbox-Latency-Ms` or a slow client each parks one cheap greenlet, not one of a few
threads, so a login and /__admin still answer beside hundreds of them.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from flask import Flask
from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

from integral_mock.app import create_app
from integral_mock.config import Config
from integral_mock.errors import error_body

# What gunicorn answers itself, before the app sees a request (a malformed request line, a
# header over its limits, a bad Content-Length), by status: the errorCode of its error object.
PROTOCOL_CODES = {
    400: "INVALID_REQUEST",
    403: "FORBIDDEN",
    414: "URI_TOO_LONG",
    417: "EXPECTATION_FAILED",
    431: "HEADERS_TOO_LARGE",
    500: "INTERNAL_ERROR",
    501: "NOT_IMPLEMENTED",
}


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error page, as the spec's error object instead of HTML."""
    code = PROTOCOL_CODES.get(
        status_int, "INVALID_REQUEST" if status_int < 500 else "INTERNAL_ERROR"
    )
    message = f"{reason}: {mesg}" if mesg else reason
    body = json.dumps(error_body(code, message)).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-ID: {uuid.uuid4().hex}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode() + body)


class JsonErrorsGeventWorker(GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker, whose own error pages are the error object."""

    def init_process(self) -> None:
        # gunicorn's handle_error writes its pages through util.write_error, looked up at
        # call time; in this worker process, that is ours.
        util.write_error = write_json_error
        super().init_process()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code rather than from its own command line."""

    def __init__(self, config: Config, bind: str, connections: int) -> None:
        self.config = config
        self.options = {
            "bind": bind,
            # One process: the state lives in this process's SQLite connection (and, for
            # `--ephemeral`, in its memory); greenlets give concurrency.
            "workers": 1,
            "worker_class": f"{__name__}.JsonErrorsGeventWorker",
            "worker_connections": connections,
            # Integral's token header is SSO_TOKEN; gunicorn drops headers with underscores
            # unless told that this one is expected.
            "header_map": "dangerous",
            "accesslog": "-",
            "loglevel": "info",
            "graceful_timeout": 5,
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorns lack some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker, after the fork: an SQLite connection must not cross a fork.
        # Real sleeps for injected latency, even with a manual clock: clients time out for
        # real. time.sleep is gevent's by now, so a sleep parks only its own greenlet.
        return create_app(self.config, sleep=time.sleep)
