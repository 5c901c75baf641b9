"""`integral-mock serve | certify | conformance …`: the sandbox (gunicorn), client checks."""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from integral_mock.app import create_app
from integral_mock.config import Config
from integral_mock.conformance import commands as conformance
from integral_mock.conformance.settings import Settings
from integral_mock.sandbox.access import is_loopback
from integral_mock.testing import running_app

EXAMPLE_LOGIN = (
    '{"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}'
)
DEFAULT_STATE = "integral-mock.sqlite3"


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code rather than from its own command line."""

    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self.config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorns lack some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker, after the fork: an SQLite connection must not cross a fork.
        # Real sleeps for injected latency, even with a manual clock: clients time out for real.
        return create_app(self.config, sleep=time.sleep)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="integral-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the sandbox")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--seed", type=int, help="seed for prices, ids and faults")
    state = serve.add_mutually_exclusive_group()
    state.add_argument("--state", metavar="PATH", help=f"SQLite file (default {DEFAULT_STATE})")
    state.add_argument("--ephemeral", action="store_true", help="keep state in memory only")
    serve.add_argument("--config", metavar="FILE", help="TOML file of users, orgs and settings")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.add_argument(
        "--validate-responses", action="store_true", help="check every answer against the spec"
    )
    _control_arguments(serve)
    conformance.add_parsers(commands)
    return parser


def _control_arguments(serve: argparse.ArgumentParser) -> None:
    """The sandbox controls (README "Controlling the sandbox")."""
    serve.add_argument(
        "--clock",
        choices=("system", "manual"),
        help="'manual': a frozen clock moved by POST /__admin/clock/advance (default system)",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require `Authorization: Bearer TOKEN` on /__admin (made up if bound off loopback)",
    )
    serve.add_argument(
        "--no-sandbox-headers",
        action="store_true",
        help="ignore X-Sandbox-* request headers (for a shared sandbox)",
    )
    serve.add_argument(
        "--latency", metavar="SPEC", help="'50', 'uniform:20-200', 'lognormal:100:0.5'"
    )
    serve.add_argument("--progression", metavar="MODE", help="'time', 'immediate' or 'polls:N'")
    serve.add_argument(
        "--reject-probability", type=float, metavar="P", help="seeded chance to reject an order"
    )


def build_config(args: argparse.Namespace) -> Config:
    """The configuration `serve` runs with, an admin token made up if bound off loopback."""
    return _guarded(_configured(args), args.host)


def _configured(args: argparse.Namespace) -> Config:
    """The configuration as the flags and the --config file give it."""
    overrides: dict[str, Any] = {}
    if args.seed is not None:
        overrides["seed"] = args.seed
    overrides["state_path"] = ":memory:" if args.ephemeral else (args.state or DEFAULT_STATE)
    if args.validate_responses:
        overrides["validate_responses"] = True
    if args.no_sandbox_headers:
        overrides["sandbox_headers"] = False
    for name in ("clock", "admin_token", "latency", "progression", "reject_probability"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    if args.config:
        return Config.from_file(args.config, **overrides)
    return Config.default(**overrides)


def _guarded(config: Config, host: str) -> Config:
    if config.admin_token or is_loopback(host):
        return config
    # Anyone who can reach the port could reset or fault the sandbox: never open.
    return config.replace(admin_token=secrets.token_urlsafe(24))


def serve(args: argparse.Namespace) -> None:
    configured = _configured(args)
    config = _guarded(configured, args.host)
    base_url = f"http://{args.host}:{args.port}"
    print(f"integral-mock listening on {base_url}  (state: {config.state_path})", flush=True)
    print(f"  spec:          {base_url}/openapi.json", flush=True)
    print(f"  admin:         {base_url}/__admin  (clock: {config.clock})", flush=True)
    if config.admin_token != configured.admin_token:  # made up here; one given stays unsaid
        print(f"  admin token:   {config.admin_token}  (bound off loopback)", flush=True)
    print(
        f"  example login: curl -si {base_url}/v2/sso/login -H 'Content-Type: application/json'"
        f" -d '{EXAMPLE_LOGIN}'",
        flush=True,
    )
    options = {
        "bind": f"{args.host}:{args.port}",
        # One process: the state lives in this process's SQLite connection (and, for
        # `--ephemeral`, in its memory); threads give concurrency.
        "workers": 1,
        "worker_class": "gthread",
        "threads": args.threads,
        # Integral's token header is SSO_TOKEN; gunicorn drops headers with underscores
        # unless told that this one is expected.
        "header_map": "dangerous",
        "accesslog": "-",
        "loglevel": "info",
        "graceful_timeout": 5,
        "control_socket_disable": True,
    }
    _Server(config, options).run()


@contextmanager
def _certification_sandbox(settings: Settings) -> Iterator[str]:
    """A sandbox of its own for `certify`: system clock, real sleeps, quiet, on a free port."""
    config = Config.default(hang_ms=settings.hang_ms, journal_size=50_000)
    with running_app(create_app(config)) as base_url:
        yield base_url


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "certify":
        sys.exit(conformance.run_certify(args, _certification_sandbox))
    if args.command == "conformance":
        sys.exit(conformance.run_live(args))
    if args.command == "serve":
        try:
            serve(args)
        except ValueError as exc:  # a bad --config: say so, without a traceback
            sys.exit(f"integral-mock: {exc}")
