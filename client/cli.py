"""The command line: `python -m integral_mock.client trade EUR/USD Buy 1000000`, or `… trades`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from integral_mock.client.client import IntegralClient
from integral_mock.client.enums import Side
from integral_mock.client.errors import IntegralError, OrderError
from integral_mock.client.models import Order, SpotRate
from integral_mock.client.results import TradeMessage

# The example login of Integral's own docs, which integral-mock accepts out of the box.
DEFAULTS = {
    "INTEGRAL_BASE_URL": "http://127.0.0.1:8080",
    "INTEGRAL_USER": "apiUserId",
    "INTEGRAL_PASSWORD": "This is a long password!",
    "INTEGRAL_ORG": "apiOrganizationId",
}
EXIT_NOT_FILLED = 1
EXIT_ERROR = 3


def _parser() -> argparse.ArgumentParser:
    env = {k: os.environ.get(k, v) for k, v in DEFAULTS.items()}
    parser = argparse.ArgumentParser(prog="python -m integral_mock.client", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    epilog = "The password is read from $INTEGRAL_PASSWORD. Defaults: the docs' example login."
    trade = commands.add_parser(
        "trade", help="quote, place a PQ order, poll it to a final state", epilog=epilog
    )
    # Each may come from the environment instead, as `integral-mock certify` hands the task
    # over: `certify -- python -m integral_mock.client trade` needs no arguments.
    task = {k: os.environ.get(f"INTEGRAL_{k.upper()}") for k in ("symbol", "side", "size")}
    trade.add_argument(
        "symbol",
        nargs="?",
        default=task["symbol"],
        help="currency pair, e.g. EUR/USD ($INTEGRAL_SYMBOL)",
    )
    trade.add_argument(
        "side",
        nargs="?",
        default=task["side"],
        choices=[s.value for s in Side],
        help="($INTEGRAL_SIDE)",
    )
    trade.add_argument(
        "size", nargs="?", type=_amount, default=task["size"], help="dealt amount ($INTEGRAL_SIZE)"
    )
    trade.add_argument(
        "--currency",
        default=os.environ.get("INTEGRAL_CURRENCY") or None,
        help="dealt currency (default $INTEGRAL_CURRENCY, else the base of the pair)",
    )
    trade.add_argument("--timeout", type=_seconds, default=30.0, help="seconds to wait for a fill")
    trades = commands.add_parser(
        "trades", help="download the trades not downloaded before (each comes once)", epilog=epilog
    )
    trades.add_argument("--max-count", type=int, default=50, help="trades per batch")
    for command in (trade, trades):
        command.add_argument(
            "--base-url", default=env["INTEGRAL_BASE_URL"], help="$INTEGRAL_BASE_URL"
        )
        command.add_argument("--user", default=env["INTEGRAL_USER"], help="$INTEGRAL_USER")
        command.add_argument("--org", default=env["INTEGRAL_ORG"], help="$INTEGRAL_ORG")
    # No --password flag: a password on a command line ends up in shell history and `ps`.
    parser.set_defaults(password=env["INTEGRAL_PASSWORD"])
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    make_client: Callable[..., IntegralClient] = IntegralClient,
) -> int:
    """Run the command; `make_client` is the seam tests use to inject a session and a clock."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "trade":
        missing = [name for name in ("symbol", "side", "size") if getattr(args, name) is None]
        if missing:
            parser.error(f"trade needs {', '.join(missing)} (arguments or $INTEGRAL_* variables)")
    client_args: dict[str, Any] = {"user": args.user, "password": args.password, "org": args.org}
    if not args.base_url.startswith(("http://", "https://")):
        parser.error(f"--base-url {args.base_url!r} must start with http:// or https://")
    try:
        with make_client(args.base_url, **client_args) as client:
            if args.command == "trades":
                return _trades(client, args.max_count)
            return _trade(client, args)
    except IntegralError as exc:
        # The notes are what to do next: look an order up by coId, resend consumed trades.
        for line in (f"error: {exc}", *getattr(exc, "__notes__", ())):
            print(line, file=sys.stderr)
        return EXIT_ERROR


def _trades(client: IntegralClient, max_count: int) -> int:
    """Print each trade as its batch arrives: once consumed, a trade is not downloaded again."""
    count = 0

    def show(batch: list[TradeMessage]) -> None:
        nonlocal count
        count += len(batch)
        for t in batch:
            deal = f"{t.side.value} {t.dealt_amount} {t.currency} {t.symbol} at {t.rate}"
            _say("trade", f"{t.trade_id} {t.event.value} {deal} {t.execution_time} {t.co_id}")

    client.download_trades(max_count, on_batch=show)
    _say("done", f"{count} trades")
    return 0


def _trade(client: IntegralClient, args: argparse.Namespace) -> int:
    placed: list[Order] = []

    def on_event(event: SpotRate | Order) -> None:
        if isinstance(event, SpotRate):
            _say(
                "rate", f"{event.symbol} bid {event.bid} offer {event.offer} rateId {event.rate_id}"
            )
            return
        if not placed:
            placed.append(event)
            _say("placed", f"order {event.order_id} coId {event.co_id}: {_deal(event)}")
        _say("status", event.status.value)

    try:
        order = client.trade_pq(
            args.symbol,
            args.side,
            args.size,
            currency=args.currency,
            timeout=args.timeout,
            on_event=on_event,
        )
    except OrderError as exc:
        _say("failed", str(exc))
        return EXIT_NOT_FILLED
    fill = f"{order.cum_qty} {order.currency} at {order.average_price}"
    _say("filled", f"{fill} (execId {order.exec_id}, counterparty {order.counter_party})")
    return 0


def _say(step: str, text: str) -> None:
    print(f"{step:<8} {text}", flush=True)


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise argparse.ArgumentTypeError(f"not a positive amount: {value!r}")
    return amount


def _seconds(value: str) -> float:
    # float() takes "nan" and "inf": a wait that never passes its deadline.
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"not a finite number of seconds, 0 or more: {value!r}")
    return seconds


def _deal(order: Order) -> str:
    return f"{order.side.value} {order.size} {order.currency} {order.symbol} at {order.price}"
