"""Order operations: get, query, place (exactly once), cancel; the placement's look-up by coId."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import overload
from urllib.parse import quote

from integral_mock.client.base import BaseClient
from integral_mock.client.enums import OrderStatus
from integral_mock.client.errors import (
    BadRequest,
    IntegralError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    UnreadableAnswer,
)
from integral_mock.client.models import Order, OrderRequest
from integral_mock.client.transport import Reply, same
from integral_mock.client.wire import to_wire

log = logging.getLogger("client")
ORDERS = "/v2/orders"


class OrderMethods(BaseClient):
    """getOrder, queryOrders, placeOrder, cancelOrder and cancelAllOrders."""

    def get_order(self, order_id: str) -> Order:
        """The order as it stands; a REJECTED order is returned, not raised."""
        return self._read_order(order_id)

    def _read_order(self, order_id: str, deadline: float | None = None) -> Order:
        path = f"{ORDERS}/{quote(order_id, safe='')}"
        order = self._parse(Order, self._call("GET", path, deadline=deadline).data)
        same("orderId", order.order_id, order_id)
        return order

    @overload
    def query_orders(self) -> list[Order]: ...

    @overload
    def query_orders(self, co_id: str) -> Order: ...

    def query_orders(self, co_id: str | None = None) -> Order | list[Order]:
        """queryOrders: the order with client order id `co_id` (NotFound if there is none),
        or without one the org's orders that are not final yet, oldest first."""
        if co_id is not None:
            order = self._parse(Order, self._call("GET", ORDERS, params={"coId": co_id}).data)
            same("coId", order.co_id, co_id)  # another's order would be placed twice, or lost
            return order
        return self._parse_list(Order, self._call("GET", ORDERS).data)

    def get_order_by_coid(self, coid: str) -> Order:
        """Friendlier alias of query_orders(co_id)."""
        return self.query_orders(coid)

    def active_orders(self) -> list[Order]:
        """Friendlier alias of query_orders()."""
        return self.query_orders()

    def place_order(self, order: OrderRequest) -> Order:
        """Place `order` exactly once and return it as received (normally status RECEIVED).

        A POST is never repeated blindly: after a 5xx, a 429, a timeout or a dropped connection
        the order is looked up by its coId, and only sent again if the server has none. A 2xx
        is never sent again, even when its body cannot be read (UnreadableAnswer).
        """
        body = to_wire(order)
        attempt = 0
        while True:
            try:
                # An error object in a 2xx is no refusal here: the status said accepted.
                reply = self._call("POST", ORDERS, body=body, idempotent=False, error_bodies=False)
            except BadRequest as exc:
                # A retry after a look-up that came too early: the first POST did land.
                if attempt == 0 or exc.error_code != "DUPLICATE_COID":
                    raise
                return self.query_orders(order.co_id)
            except UnreadableAnswer as exc:
                return self._accepted(order.co_id, exc)
            except (ServerError, RateLimited, TransportError) as exc:
                # Wait first (Retry-After, backoff): the look-up should not meet the same outage.
                may_resend = self._transport.pause_before_retry(exc, attempt)
                found = self._find(order.co_id, exc)
                if found is not None:
                    return found
                if not may_resend:
                    raise
                attempt += 1
                continue
            return self._as_placed(reply, order.co_id)

    def _as_placed(self, reply: Reply, co_id: str) -> Order:
        """A placement's 2xx answer as the order placed. The POST landed: an answer that is not
        our order (unreadable, or of another coId) is looked up by coId, never sent again."""
        try:
            _error_object_in(reply, self._transport.redact)
            placed = self._parse(Order, reply.data)
            same("coId", placed.co_id, co_id)
            return placed
        except TransportError as exc:
            return self._accepted(co_id, exc)

    def _accepted(self, co_id: str, exc: TransportError) -> Order:
        """The order a 2xx accepted without saying which, by its coId; raises `exc` if none."""
        found = self._find(co_id, exc)
        if found is None:
            exc.add_note(f"the server accepted {co_id} but finds no order under it: not resent")
            raise exc
        return found

    def cancel_order(self, order_id: str) -> None:
        """Cancel an active order (202); it becomes CANCELLED, keeping any fills it had.

        Raises BadRequest `ORDER_FINAL` if the order had already ended (FILLED, EXPIRED, …).
        A cancel is retried after a 5xx, a 429 or a lost connection; if the retry meets
        ORDER_FINAL, the first attempt may have landed, so the order is read: CANCELLED
        means done, any other final status is raised as that ORDER_FINAL.
        """
        path = f"{ORDERS}/{quote(order_id, safe='')}"
        attempt = 0
        while True:
            try:
                self._call("DELETE", path, idempotent=False)
                return
            except UnreadableAnswer:
                return  # a 2xx: the cancel was accepted; its body says nothing we need
            except BadRequest as exc:
                if attempt == 0 or exc.error_code != "ORDER_FINAL":
                    raise
                order = self.get_order(order_id)
                if order.status is OrderStatus.CANCELLED:
                    log.info("order %s: an earlier cancel landed", order_id)
                    return
                exc.add_note(f"order {order_id} ended {order.status.value} before the cancel")
                raise
            except (ServerError, RateLimited, TransportError) as exc:
                if not self._transport.pause_before_retry(exc, attempt):
                    raise
            attempt += 1

    def cancel_all_orders(self) -> None:
        """Cancel every active order of the org (202, even when none was active).

        Retried like a read: a second cancel-all changes nothing the first did not, though
        it also cancels an order placed in between.
        """
        self._call("DELETE", ORDERS)

    def _find(self, co_id: str, cause: IntegralError) -> Order | None:
        """The order placed with `co_id`, or None when the server certainly has none."""
        log.info("placing %s failed (%s); looking it up", co_id, cause)
        try:
            return self.query_orders(co_id)
        except NotFound:
            return None
        except IntegralError as exc:
            exc.add_note(f"order {co_id} may or may not exist; look it up by coId before retrying")
            raise


def _error_object_in(reply: Reply, redact: Callable[[str], str]) -> None:
    """A 2xx whose body is an error object says why in it; "not a valid Order" would not."""
    data = reply.data
    if isinstance(data, dict) and data.get("status") == "ERROR" and "errorCode" in data:
        said = redact(f"{data['errorCode']}: {data.get('errorMessage') or ''}")
        status = reply.response.status_code
        raise TransportError(f"a {status} answer to a placement carries an error object, {said}")
