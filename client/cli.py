"""The command line: `python -m client trade EUR/USD Buy 1000000 --base-url URL`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from client.client import IntegralClient
from client.enums import Side
from client.errors import IntegralError, OrderError
from client.models import Order, SpotRate

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
    parser = argparse.ArgumentParser(prog="python -m client", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    trade = commands.add_parser(
        "trade",
        help="quote, place a PQ order, poll it to a final state",
        epilog="The password is read from $INTEGRAL_PASSWORD. Defaults: the docs' example login.",
    )
    trade.add_argument("symbol", help="currency pair, e.g. EUR/USD")
    trade.add_argument("side", choices=[s.value for s in Side])
    trade.add_argument("size", type=_amount, help="amount of the dealt currency")
    trade.add_argument("--currency", help="dealt currency (default: the base of the pair)")
    trade.add_argument("--base-url", default=env["INTEGRAL_BASE_URL"], help="$INTEGRAL_BASE_URL")
    trade.add_argument("--user", default=env["INTEGRAL_USER"], help="$INTEGRAL_USER")
    trade.add_argument("--org", default=env["INTEGRAL_ORG"], help="$INTEGRAL_ORG")
    # No --password flag: a password on a command line ends up in shell history and `ps`.
    parser.set_defaults(password=env["INTEGRAL_PASSWORD"])
    trade.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a fill")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    make_client: Callable[..., IntegralClient] = IntegralClient,
) -> int:
    """Run the command; `make_client` is the seam tests use to inject a session and a clock."""
    args = _parser().parse_args(argv)
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

    client_args: dict[str, Any] = {"user": args.user, "password": args.password, "org": args.org}
    try:
        with make_client(args.base_url, **client_args) as client:
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
    except IntegralError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
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


def _deal(order: Order) -> str:
    return f"{order.side.value} {order.size} {order.currency} {order.symbol} at {order.price}"
