"""The client's exceptions: one tree, so a caller can catch as broadly or narrowly as it needs.

    IntegralError                 anything this client raises
    ├── ApiError                  an error status (3xx, 4xx, 5xx), with or without the error
    │                             object, or a 2xx whose body is an error object (not a placement)
    │   ├── BadRequest            400: a field is wrong, or the coId was used (DUPLICATE_COID)
    │   ├── Unauthorized          401: wrong credentials, or a token missing, invalid or expired
    │   ├── Forbidden             403: the user lacks trading permission, or names another org
    │   ├── NotFound              404: unknown org, symbol or order (or another org's order)
    │   ├── RateLimited           429: wait `retry_after` seconds
    │   └── ServerError           5xx: the server or a gateway failed; `retry_after` on 503
    ├── TransportError            no usable answer: connection refused or dropped, timeout,
    │                             a truncated body or one that is not what the spec promises
    └── OrderError                the server answered fine but the order did not fill; `.order`
        ├── OrderRejected         final status REJECTED (the reason is in `order.reason`)
        ├── OrderExpired          final status EXPIRED
        ├── OrderCancelled        final status CANCELLED
        └── OrderTimeout          no final status before the deadline; `.order` is the last seen

Any other status is raised as a plain ApiError: 405, 413, and a redirect (3xx), which
the client does not follow, so that its token goes to no other host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from integral_mock.client.enums import OrderStatus

if TYPE_CHECKING:
    from integral_mock.client.models import Order


class IntegralError(Exception):
    """Base of every exception the client raises."""


class ApiError(IntegralError):
    """An error answer; the fields are those of the spec's error object."""

    def __init__(
        self,
        status: int,
        error_code: str,
        error_message: str,
        response_tuples: Any = None,
        *,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(f"HTTP {status} {error_code}: {error_message}")
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.response_tuples = response_tuples
        self.retry_after = retry_after
        self.request_id = request_id


class BadRequest(ApiError):
    """400: the request broke the schema or an order rule; `response_tuples` names the fields."""


class Unauthorized(ApiError):
    """401: wrong user or password, or a token that is missing, unknown or expired."""


class Forbidden(ApiError):
    """403: the user may log in but not do this (trading permission, another org's book)."""


class NotFound(ApiError):
    """404: no such org, symbol or order for the caller's org."""


class RateLimited(ApiError):
    """429: too many requests; `retry_after` says how many seconds to wait."""


class ServerError(ApiError):
    """5xx: the outcome of the request is unknown unless it was a read."""


class TransportError(IntegralError):
    """No usable HTTP answer; for a POST the order may or may not exist."""


class UnreadableAnswer(TransportError):
    """A 2xx whose body could not be read (not JSON, or cut off): the request did land."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class OrderError(IntegralError):
    """An order reached a state other than FILLED, or did not reach a final state in time."""

    def __init__(self, order: Order, message: str | None = None) -> None:
        reason = f": {order.reason}" if order.reason else ""
        super().__init__(message or f"order {order.order_id} is {order.status.value}{reason}")
        self.order = order


class OrderRejected(OrderError):
    """The order ended REJECTED."""


class OrderExpired(OrderError):
    """The order ended EXPIRED."""


class OrderCancelled(OrderError):
    """The order ended CANCELLED."""


class OrderTimeout(OrderError):
    """The deadline passed first; `order` is the last state seen, the order may still fill."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    429: RateLimited,
}


def error_class(status: int) -> type[ApiError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


def unfilled(order: Order) -> OrderError:
    """The exception for an order that ended other than FILLED."""
    kind = {
        OrderStatus.REJECTED: OrderRejected,
        OrderStatus.EXPIRED: OrderExpired,
        OrderStatus.CANCELLED: OrderCancelled,
    }.get(order.status, OrderError)
    return kind(order)


def plainly(exc: requests.RequestException) -> str:
    """What went wrong on the wire, in a line: not urllib3's chain of wrapped exceptions."""
    if isinstance(exc, requests.Timeout):
        # read_body's own deadline says what it is; urllib3's read timeouts say much less.
        own = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else ""
        return own if own.startswith("the body took") else "no answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        cause: BaseException | None = exc
        while cause is not None:  # the root cause: refused, reset, no such host
            if isinstance(cause, OSError) and cause.strerror:
                return f"cannot connect ({cause.strerror})"
            cause = cause.__cause__ or cause.__context__ or _wrapped(cause)
    return str(exc)


def _wrapped(exc: BaseException) -> BaseException | None:
    # requests keeps urllib3's error in args[0], and urllib3 its reason in `.reason`.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    return inner or getattr(exc, "reason", None)
