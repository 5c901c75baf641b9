"""What a teeth run is: a drift, what the suite says on it, and the part of the suite it gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integral_mock.contracts.target import WsgiApp

# The parts of the suite a teeth run may be given: the lifecycle tests (a few seconds, every
# answer put to every check), the order rules (a retry, a late cancel, a renewal, a cookie, a
# body not JSON), or every operation under Schemathesis' generated cases (the coverage phase's
# unsupported methods, missing tokens and bad input; no stateful phase).
LIFECYCLE = ("contracts/test_lifecycle.py",)
ORDER_RULES = ("contracts/test_order_rules.py",)
OPERATIONS = ("contracts/test_conformance.py::test_operation_keeps_the_contract",)


def lifecycle(test: str) -> tuple[str, ...]:
    """One test of the lifecycle part: enough for a drift only it meets, and quicker."""
    return (f"{LIFECYCLE[0]}::test_{test}",)


def order_rule(test: str) -> tuple[str, ...]:
    return (f"{ORDER_RULES[0]}::test_{test}",)


FILL = lifecycle("order_at_the_quote_is_received_then_filled_and_stays_filled")
DOWNLOAD = lifecycle("a_fill_is_downloaded_once_and_again_as_resend_after_a_resend_of_its_day")
ORDER_TRADES = lifecycle("an_orders_trades_are_the_ones_the_download_hands_out")


@dataclass(frozen=True)
class Drift:
    """A way to break the sandbox, what the suite says when it notices (any of these), and the
    part of the suite that is enough to notice it (the honest sandbox passes the whole suite)."""

    wrap: Callable[[WsgiApp], WsgiApp]
    caught_by: tuple[str, ...]
    parts: tuple[str, ...] = LIFECYCLE
    # pytest's -k within `parts`: Schemathesis' generated tests take no node ids of their own.
    keyword: str = ""
