"""How `serve` runs the app: checks first, gunicorn with a gevent worker, JSON error pages.

gevent, because an injected wait must not hold what other clients need: a `hang`, a long
`X-Sandbox-Latency-Ms` or a slow client each parks one cheap greenlet, not one of a few
threads, so a login and /__admin still answer beside hundreds of them.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import gevent
from flask import Flask
from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

from integral_mock.app import create_app, preload
from integral_mock.config import Config
from integral_mock.errors import error_body
from integral_mock.exchange.seeding import start_seed
from integral_mock.store import Store, StoreError, StoreUnavailable

log = logging.getLogger("integral_mock")
# How long a booting worker waits for an unreachable database (gunicorn's worker timeout is
# 30 s: it would kill a worker that took longer to boot).
DATABASE_WAIT_S = 20.0

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
    """gunicorn's gevent worker, whose own error pages are the error object, and which lets
    every connection have its turn."""

    def handle_request(self, *args: Any) -> bool:
        try:
            keep_alive: bool = super().handle_request(*args)
            return keep_alive
        finally:
            # A keep-alive client on this machine sends its next request before the greenlet
            # reads again, so the read never blocks and never yields: one connection would be
            # served over and over while the others wait (p99 of seconds at 32 connections).
            gevent.sleep(0)

    def init_process(self) -> None:
        # gunicorn's handle_error writes its pages through util.write_error, looked up at
        # call time; in this worker process, that is ours.
        util.write_error = write_json_error
        super().init_process()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code rather than from its own command line."""

    def __init__(
        self,
        config: Config,
        bind: str,
        connections: int,
        workers: int,
        on_ready: Callable[[int], None],
    ) -> None:
        self.config = config

        def when_ready(arbiter: Any) -> None:
            # Called once the socket is bound, so the port said is the real one (--port 0 too).
            on_ready(int(arbiter.LISTENERS[0].sock.getsockname()[1]))

        self.options = {
            "bind": bind,
            # Every piece of state is in the store, so any worker answers any request alike;
            # greenlets give each worker its concurrency. The master restarts a dead worker.
            "workers": workers,
            "worker_class": f"{__name__}.JsonErrorsGeventWorker",
            "worker_connections": connections,
            # Integral's token header is SSO_TOKEN; gunicorn drops headers with underscores
            # unless told that this one is expected.
            "header_map": "dangerous",
            "accesslog": "-" if config.access_log else None,
            "loglevel": "info",
            "graceful_timeout": 5,
            "control_socket_disable": True,
            "when_ready": when_ready,
        }
        super().__init__()
        preload()  # before the fork: a worker's boot was mostly parsing and compiling the spec

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorns lack some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker, after the fork: an SQLite connection must not cross a fork.
        # Real sleeps for injected latency, even with a manual clock: clients time out for
        # real. time.sleep is gevent's by now, so a sleep parks only its own greenlet.
        # A worker (re)started while its PostgreSQL is out of reach waits for it a while:
        # failing to boot would make gunicorn stop the whole replica.
        deadline = time.monotonic() + DATABASE_WAIT_S
        while True:
            try:
                return create_app(self.config, sleep=time.sleep)
            except StoreUnavailable as exc:
                if time.monotonic() > deadline:
                    raise
                log.warning("worker %d waits for the database: %s", os.getpid(), exc)
                time.sleep(1.0)


# Integral's own docs' example login: public, so the banner may print it when it is in force.
DOCS_LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}


def example_login(config: Config) -> str:
    """The login body of the config's example user (the landing page's), or "" for none.

    Only the docs' public password is printed; one of the user's own config never is: the
    banner ends up in logs.
    """
    user = config.example_user()
    if user is None:
        return ""
    docs = (user.user, user.password, user.org) == tuple(DOCS_LOGIN.values())
    password = user.password if docs else "<its password>"
    return json.dumps({"user": user.user, "pass": password, "org": user.org})


def banner(config: Config, base_url: str, made_up_token: bool, state: str = "") -> str:
    """What `serve` prints once it listens; `state`: where its state is (Store.describe)."""
    lines = [
        f"integral-mock listening on {base_url}  (state: {state})",
        f"  spec:          {base_url}/openapi.json",
        f"  admin:         {base_url}/__admin  (clock: {config.clock})",
    ]
    if made_up_token:  # a token given by flag or file stays unsaid
        lines.append(f"  admin token:   {config.admin_token}  (bound off loopback)")
    login = example_login(config)
    if login:
        lines.append(
            f"  example login: curl -si {base_url}/v2/sso/login"
            f" -H 'Content-Type: application/json' -d '{login}'"
        )
    else:
        lines.append("  example login: none (the config provisions no users)")
    return "\n".join(lines)


def check_port_free(host: str, port: int) -> None:
    """ValueError if `host:port` cannot be bound now (gunicorn would retry, then fail loudly)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def default_workers() -> int:
    """One worker per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def prepare_state(config: Config) -> str:
    """Open the database once before any worker: its schema made, the config's seed in force.

    Where the state is, for the banner (a password never shown). ValueError if the database
    cannot be used (the SQLite file is not one, the PostgreSQL server is not there).
    """
    try:
        store = Store(config.database)
        try:
            start_seed(store, config.seed)
            return store.describe()
        finally:
            store.close()
    except (sqlite3.Error, OSError) as exc:
        raise ValueError(f"state file {config.database!r} cannot be used: {exc}") from None
    except StoreError as exc:
        raise ValueError(str(exc)) from None
