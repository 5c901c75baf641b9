"""`integral-mock serve | certify | conformance …`: the sandbox (gunicorn), client checks."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from integral_mock.app import check_config, create_app
from integral_mock.config import Config
from integral_mock.conformance import commands as conformance
from integral_mock.conformance.settings import Settings
from integral_mock.contracts import command as contract_suite
from integral_mock.sandbox.access import is_loopback
from integral_mock.serving import (
    Server,
    banner,
    check_port_free,
    default_workers,
    prepare_state,
)
from integral_mock.store import (
    StoreError,
    create_private_schema,
    drop_private_schema,
    is_postgres,
)
from integral_mock.testing import running_app

DEFAULT_STATE = "integral-mock.sqlite3"


def _port(text: str) -> int:
    port = _whole(text)
    if port > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return port


def _whole(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _positive(text: str) -> int:
    number = _whole(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="integral-mock", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the sandbox")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port (default 8080; 0: any free)")
    serve.add_argument("--seed", type=int, help="seed for prices, ids and faults")
    state = serve.add_mutually_exclusive_group()
    state.add_argument("--state", metavar="PATH", help=f"SQLite file (default {DEFAULT_STATE})")
    state.add_argument(
        "--database",
        metavar="URL",
        help="sqlite:///PATH, or postgresql://USER@HOST/DB shared by replicas on several hosts",
    )
    serve.add_argument(
        "--ephemeral",
        action="store_true",
        help="private state removed on exit: a temporary SQLite file, or with --database"
        " postgresql://… a schema of its own",
    )
    serve.add_argument("--config", metavar="FILE", help="TOML file of users, orgs and settings")
    serve.add_argument(
        "--connections",
        type=_positive,
        default=1000,
        help="connections served at once, each a greenlet (default 1000)",
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=default_workers(),
        help=f"worker processes, one state shared through the store (default {default_workers()}:"
        " the machine's CPUs)",
    )
    serve.add_argument(
        "--validate-responses", action="store_true", help="check every answer against the spec"
    )
    serve.add_argument("--no-access-log", action="store_true", help="no line per request on stdout")
    _control_arguments(serve)
    conformance.add_parsers(commands)
    contract_suite.add_command(commands)
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
    return _settled(args)[0]


def _settled(args: argparse.Namespace) -> tuple[Config, bool]:
    """(the configuration, whether its admin token was made up here), the file read once."""
    configured = _configured(args)
    config = check_config(_guarded(configured, args.host))
    return config, config.admin_token != configured.admin_token


def _configured(args: argparse.Namespace) -> Config:
    """The configuration as the flags and the --config file give it."""
    overrides: dict[str, Any] = {}
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.ephemeral and (args.state or (args.database and not is_postgres(args.database))):
        raise ValueError(
            "--ephemeral makes its own SQLite file; with --database, a postgresql:// one"
        )
    if args.database or not args.ephemeral:  # an ephemeral one is made when `serve` starts
        overrides["database"] = args.database or args.state or DEFAULT_STATE
    if args.validate_responses:
        overrides["validate_responses"] = True
    if args.no_access_log:
        overrides["access_log"] = False
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
    settled, made_up = _settled(args)
    with _state_of(settled, args.ephemeral) as config:
        state = prepare_state(config)
        check_port_free(args.host, args.port)
        host = f"[{args.host}]" if ":" in args.host else args.host

        def ready(port: int) -> None:
            print(banner(config, f"http://{host}:{port}", made_up, state), flush=True)

        Server(config, f"{host}:{args.port}", args.connections, args.workers, ready).run()


@contextmanager
def _state_of(config: Config, ephemeral: bool) -> Iterator[Config]:
    """`config`, its state private to this run if `ephemeral` (removed after).

    A file, not ':memory:': every worker process must open the same database. With a
    PostgreSQL database, a schema of its own in it.
    """
    if not ephemeral:
        yield config
        return
    master = os.getpid()
    if is_postgres(config.database):
        url, schema = create_private_schema(config.database)
        try:
            yield config.replace(database=url)
        finally:
            if os.getpid() == master:  # as below: not when a worker unwinds
                drop_private_schema(config.database, schema)
        return
    directory = tempfile.mkdtemp(prefix="integral-mock-")
    try:
        yield config.replace(database=str(Path(directory) / "state.sqlite3"))
    finally:
        # gunicorn forks the workers inside this block: a worker that exits normally unwinds
        # through here too, and must not take the other workers' database with it.
        if os.getpid() == master:
            shutil.rmtree(directory, ignore_errors=True)


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
    if args.command == "contracts":
        sys.exit(contract_suite.run(args))
    if args.command == "serve":
        try:
            serve(args)
        # A bad --config, state file or database: one line, no trace.
        except (ValueError, OSError, StoreError) as exc:
            sys.exit(f"integral-mock: {exc}")


def _version() -> str:
    try:
        return metadata.version("integral-mock")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
