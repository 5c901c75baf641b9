"""Run a sandbox app in a thread on a free loopback port, for tests and pytest plugins."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.sandbox.controls import controls_of


@dataclass(frozen=True)
class LiveSandbox:
    """A running sandbox: where it answers, the app itself and its clock."""

    base_url: str
    app: Flask
    clock: ManualClock
    server: BaseWSGIServer


class _KeepsUnderscoreHeaders(WSGIRequestHandler):
    """Werkzeug drops request headers with an underscore; Integral's SSO_TOKEN has one.

    gunicorn (`serve`) is told to keep them; this does the same for the test server.
    """

    def make_environ(self) -> dict[str, object]:
        environ: dict[str, object] = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ["HTTP_" + key.upper().replace("-", "_")] = value
        return environ


class _Quiet(_KeepsUnderscoreHeaders):
    """No access log: `certify` prints its own progress table."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def running_sandbox(
    config: Config | None = None, clock: ManualClock | None = None
) -> Iterator[LiveSandbox]:
    """A sandbox on 127.0.0.1 with a manual clock (responses validated unless told otherwise)."""
    clock = clock or ManualClock()
    config = config or Config.default(validate_responses=True)
    app = create_app(config, clock=clock)
    with _serving(app, _KeepsUnderscoreHeaders) as server:
        yield LiveSandbox(f"http://127.0.0.1:{server.server_port}", app, clock, server)


@contextmanager
def running_app(app: Flask) -> Iterator[str]:
    """Any app (e.g. on the system clock, sleeping for real) on a free loopback port, quietly.

    What `integral-mock certify` runs a client against: a real client takes real time, so
    the app it gets keeps the clock and sleeper it was built with. Yields the base URL.
    """
    with _serving(app, _Quiet) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@contextmanager
def _serving(app: Flask, handler: type[WSGIRequestHandler]) -> Iterator[BaseWSGIServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    # A short poll interval: shutdown() waits for it, and tests start and stop many servers.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="integral-mock", daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        # Let go of requests a `hang` fault holds, so the server thread can stop.
        controls_of(app).faults.release_hangs()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
