"""IntegralClient: one method per spec operation, plus the polling and the PQ workflow."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import quote

import requests

from client.auth import Authenticator
from client.enums import OrderStatus, Side
from client.errors import (
    BadRequest,
    IntegralError,
    NotFound,
    OrderTimeout,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    unfilled,
)
from client.models import LoginResult, Order, OrderRequest, RenewResult, SpotRate
from client.transport import Backoff, Reply, RetryPolicy, Transport, parse
from client.wire import decimal, to_wire

log = logging.getLogger("client")
ORDERS = "/v2/orders"


class IntegralClient:
    """A client of Integral's REST API (and of integral-mock), safe to trade with.

    Not thread-safe: give each thread its own client. `clock` (seconds, monotonic) and `sleep`
    drive token renewal, backoff and polling; tests replace both to run without waiting.
    """

    def __init__(
        self,
        base_url: str,
        *,
        user: str,
        password: str,
        org: str,
        timeout: float = 10.0,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        poll: Backoff | None = None,
        renew_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._own_session = session is None
        self._rng = rng or random.Random()
        self._transport = Transport(
            base_url,
            session=session or requests.Session(),
            timeout=timeout,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            rng=self._rng,
        )
        self._auth = Authenticator(
            self._transport,
            user=user,
            password=password,
            org=org,
            clock=clock,
            renew_margin=renew_margin,
        )
        self._poll = poll or Backoff(first=0.05, cap=1.0)
        self._clock = clock
        self._sleep = sleep

    def __enter__(self) -> IntegralClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session, unless the caller passed it in and so owns it."""
        if self._own_session:
            self._transport.session.close()

    def login(self) -> LoginResult:
        """Log in (other calls do so by themselves when needed) and keep the token."""
        return self._auth.login()

    def renew(self) -> RenewResult:
        """Exchange the token for a fresh one (other calls do so before it expires)."""
        return self._auth.renew()

    def spot_rate(self, symbol: str) -> SpotRate:
        """Top of book for `symbol` (`EUR/USD`), with a `rate_id` tradable by a PQ order."""
        return parse(SpotRate, self._call("GET", "/v2/rates/spot", params={"symbol": symbol}).data)

    def get_order(self, order_id: str) -> Order:
        """The order as it stands; a REJECTED order is returned, not raised."""
        return parse(Order, self._call("GET", f"{ORDERS}/{quote(order_id, safe='')}").data)

    def get_order_by_coid(self, coid: str) -> Order:
        """The caller's org's order with client order id `coid`; NotFound if there is none."""
        return parse(Order, self._call("GET", ORDERS, params={"coId": coid}).data)

    def active_orders(self) -> list[Order]:
        """The org's orders that are not final yet, oldest first."""
        data = self._call("GET", ORDERS).data
        if not isinstance(data, list):
            raise TransportError("queryOrders without coId answered something not an array")
        return [parse(Order, item) for item in data]

    def place_order(self, order: OrderRequest) -> Order:
        """Place `order` exactly once and return it as received (normally status RECEIVED).

        A POST is never repeated blindly: after a 5xx, a 429, a timeout or a dropped connection
        the order is looked up by its coId, and only sent again if the server has none.
        """
        body = to_wire(order)
        attempt = 0
        while True:
            try:
                return parse(Order, self._call("POST", ORDERS, body=body, idempotent=False).data)
            except BadRequest as exc:
                # A retry after a look-up that came too early: the first POST did land.
                if attempt == 0 or exc.error_code != "DUPLICATE_COID":
                    raise
                return self.get_order_by_coid(order.co_id)
            except (ServerError, RateLimited, TransportError) as exc:
                # Wait first (Retry-After, backoff): the look-up should not meet the same outage.
                may_resend = self._transport.pause_before_retry(exc, attempt)
                found = self._find(order.co_id, exc)
                if found is not None:
                    return found
                if not may_resend:
                    raise
            attempt += 1

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
        rate = self.spot_rate(symbol)
        notify(rate)
        request = OrderRequest.pq(rate, Side(side), decimal(size), currency=currency, co_id=co_id)
        placed = self.place_order(request)
        notify(placed)
        seen = [placed.status]

        def on_update(order: Order) -> None:
            if order.status is not seen[-1]:
                seen.append(order.status)
                notify(order)

        return self.wait_for_final(placed.order_id, timeout=timeout, on_update=on_update)

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Reply:
        def send(token: str) -> Reply:
            return self._transport.send(
                method, path, token=token, params=params, body=body, idempotent=idempotent
            )

        token = self._auth.token()
        try:
            return send(token)
        except Unauthorized as exc:
            # The token died early (server restart, clock jump, revocation): log in once more.
            # A 401 is answered before anything happens, so even a POST is safe to repeat.
            log.info("%s; logging in again", exc)
            return send(self._auth.login_token())

    def _find(self, co_id: str, cause: IntegralError) -> Order | None:
        """The order placed with `co_id`, or None when the server certainly has none."""
        log.info("placing %s failed (%s); looking it up", co_id, cause)
        try:
            return self.get_order_by_coid(co_id)
        except NotFound:
            return None
        except IntegralError as exc:
            exc.add_note(f"order {co_id} may or may not exist; look it up by coId before retrying")
            raise
