"""A typed reference client for Integral's FX Inside REST API (and the integral-mock sandbox)."""

from client.client import IntegralClient
from client.enums import ExecFlag, OrderStatus, OrderType, Side, TimeInForce
from client.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    IntegralError,
    NotFound,
    OrderCancelled,
    OrderError,
    OrderExpired,
    OrderRejected,
    OrderTimeout,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from client.models import LoginResult, Order, OrderRequest, RenewResult, SpotRate, new_co_id
from client.transport import Backoff, RetryPolicy

__all__ = [
    "ApiError",
    "Backoff",
    "BadRequest",
    "ExecFlag",
    "Forbidden",
    "IntegralClient",
    "IntegralError",
    "LoginResult",
    "NotFound",
    "Order",
    "OrderCancelled",
    "OrderError",
    "OrderExpired",
    "OrderRejected",
    "OrderRequest",
    "OrderStatus",
    "OrderTimeout",
    "OrderType",
    "RateLimited",
    "RenewResult",
    "RetryPolicy",
    "ServerError",
    "Side",
    "SpotRate",
    "TimeInForce",
    "TransportError",
    "Unauthorized",
    "new_co_id",
]
