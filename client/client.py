"""IntegralClient: every operation (orders.py, market.py, …), plus polling and the PQ workflow."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from integral_mock.client.enums import OrderStatus, Side
from integral_mock.client.errors import OrderTimeout, TransportError, unfilled
from integral_mock.client.market import MarketDataMethods
from integral_mock.client.models import Order, OrderRequest, SpotRate
from integral_mock.client.orders import OrderMethods
from integral_mock.client.positions import PositionMethods
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
        (with jitter) up to the poll cap; OrderTimeout carries the last state seen.
        """
        deadline = self._clock() + timeout
        last: OrderStatus | None = None
        attempt = 0
        while True:
            order = self.get_order(order_id)
            if on_update is not None and order.status is not last:
                on_update(order)
            last = order.status
            if order.status is OrderStatus.FILLED:
                return order
            if order.status.is_final:
                raise unfilled(order)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise OrderTimeout(order, f"order {order_id} still {order.status} after {timeout}s")
            self._sleep(min(self._poll.delay(attempt, self._rng), remaining))
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
        notify = on_event or (lambda _: None)
        rate = self.get_spot_rate(symbol)
        notify(rate)
        request = OrderRequest.pq(rate, side, size, currency=currency, co_id=co_id)
        _sendable(request)
        placed = self.place_order(request)
        notify(placed)

        def on_update(order: Order) -> None:
            # wait_for_final reports changes only, and statuses only move forward: the one
            # to skip is a first poll that still shows the status placing answered.
            if order.status is not placed.status:
                notify(order)

        return self.wait_for_final(placed.order_id, timeout=timeout, on_update=on_update)


def _sendable(request: OrderRequest) -> None:
    """An order built from a server's quote must travel as quoted, or it is no quote to us.

    A price with more digits than a JSON number carries exactly (a string of 21 digits, 1E+999)
    would be a ValueError from place_order: the caller's mistake there, the server's here.
    """
    try:
        to_wire(request)
    except ValueError as exc:
        raise TransportError(f"rate {request.rate_id} cannot be traded: {exc}") from None
