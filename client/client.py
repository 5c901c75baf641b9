"""IntegralClient: every operation (orders.py, market.py, …), plus polling and the PQ workflow."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from integral_mock.client.enums import OrderStatus, Side
from integral_mock.client.errors import (
    IntegralError,
    NotFound,
    OrderError,
    OrderTimeout,
    RateLimited,
    ServerError,
    TransportError,
    unfilled,
)
from integral_mock.client.market import MarketDataMethods
from integral_mock.client.models import Order, OrderRequest, SpotRate
from integral_mock.client.orders import OrderMethods
from integral_mock.client.positions import PositionMethods
from integral_mock.client.retries import transient
from integral_mock.client.trades import TradeMethods
from integral_mock.client.wire import to_wire


class IntegralClient(OrderMethods, MarketDataMethods, TradeMethods, PositionMethods):
    """A client of Integral's REST API (and of integral-mock), safe to trade with.

    `IntegralClient(base_url, user=…, password=…, org=…)` logs in for a token and renews it;
    `IntegralClient(base_url, auth=HmacAuth(user, secret))` signs every call instead. Other
    settings are keyword-only: `timeout`, `session` (an injected requests.Session stays open
    on close), `retry`, `poll`, `renew_margin`, `clock`, `sleep`, `rng`.

    Not thread-safe: give each thread its own client. `clock` (seconds, monotonic) and `sleep`
    drive token renewal, backoff and polling; tests replace both to run without waiting.
    """

    def wait_for_final(
        self,
        order_id: str,
        *,
        timeout: float = 30.0,
        on_update: Callable[[Order], None] | None = None,
    ) -> Order:
        """Poll the order until FILLED and return it; raise OrderError for any other ending.

        `on_update` sees the order each time its status changes. Polls back off exponentially
        (with jitter) up to the poll cap; OrderTimeout carries the last state seen. A 404 is
        polled on until the deadline (a replica may not have the order yet), and so is an
        outage the transport's own retries did not outlast (5xx, 429, a lost connection);
        never seen at the deadline, the order's last failure is raised.
        """
        _check_wait(timeout)
        return self._wait(order_id, timeout, on_update, None)

    def _wait(
        self,
        order_id: str,
        timeout: float,
        on_update: Callable[[Order], None] | None,
        last: Order | None,
    ) -> Order:
        """wait_for_final, knowing `last`, the order as last seen (as placed, say), if any."""
        deadline = self._clock() + timeout
        attempt = 0
        while True:
            failure: IntegralError | None = None  # why this poll saw no order
            try:
                order = self._read_order(order_id, deadline)
            except NotFound as exc:
                failure = exc
            except (ServerError, RateLimited, TransportError) as exc:
                if not transient(exc):
                    raise
                # Told to come back after the deadline: that is a timeout, not an outage.
                asked = getattr(exc, "retry_after", None)
                if asked is not None and self._clock() + asked > deadline:
                    if last is None:
                        raise
                    timeout_ = OrderTimeout(last, f"order {order_id} still {last.status.value}")
                    timeout_.add_note(f"the server asked to wait {asked}s, past the {timeout}s")
                    raise timeout_ from exc
                failure = exc
            else:
                if on_update is not None and (last is None or order.status is not last.status):
                    on_update(order)
                last = order
                if order.status is OrderStatus.FILLED:
                    return order
                if order.status.is_final:
                    raise unfilled(order)
            remaining = deadline - self._clock()
            if remaining <= 0:
                if last is not None:
                    status = last.status.value
                    raise OrderTimeout(
                        last, f"order {order_id} still {status} after {timeout}s"
                    ) from failure
                assert failure is not None
                seen = "not found" if isinstance(failure, NotFound) else "unreadable"
                failure.add_note(f"order {order_id} {seen} for {timeout}s")
                raise failure
            step = self._poll.delay(attempt, self._rng)
            self._sleep(min(max(step, getattr(failure, "retry_after", None) or 0.0), remaining))
            attempt += 1

    def trade_pq(
        self,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        *,
        currency: str | None = None,
        co_id: str | None = None,
        timeout: float = 30.0,
        on_event: Callable[[SpotRate | Order], None] | None = None,
    ) -> Order:
        """Rate → PQ order at the quoted price → poll to final; return the FILLED order.

        Raises OrderRejected / OrderExpired / OrderTimeout otherwise. `on_event` sees the rate,
        the order as placed and each new status.
        """
        _check_wait(timeout)  # before the order is placed, not after
        notify = on_event or (lambda _: None)
        rate = self.get_spot_rate(symbol)
        notify(rate)
        request = OrderRequest.pq(rate, side, size, currency=currency, co_id=co_id)
        _sendable(request)
        placed = self.place_order(request)
        notify(placed)

        try:
            # Changes from the order as placed are news: a first poll still RECEIVED is not.
            return self._wait(placed.order_id, timeout, notify, placed)
        except OrderError:
            raise
        except IntegralError as exc:
            exc.add_note(
                f"order {placed.order_id} (coId {placed.co_id}) was placed; "
                "its outcome is unknown: read it with get_order, do not place it again"
            )
            raise


def _check_wait(timeout: float) -> None:
    if not timeout >= 0:  # NaN too: compared with it, the deadline would never pass
        raise ValueError(f"timeout {timeout} must be a number of seconds, 0 or more")


def _sendable(request: OrderRequest) -> None:
    """An order built from a server's quote must travel as quoted, or it is no quote to us.

    A price with more digits than a JSON number carries exactly (a string of 21 digits, 1E+999)
    would be a ValueError from place_order: the caller's mistake there, the server's here.
    """
    try:
        to_wire(request)
    except ValueError as exc:
        raise TransportError(f"rate {request.rate_id} cannot be traded: {exc}") from None
