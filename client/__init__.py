"""A typed reference client for Integral's FX Inside REST API (and the integral-mock sandbox)."""

from client.client import IntegralClient
from client.enums import (
    BookType,
    ExecFlag,
    MarketDataSetId,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    TradeEvent,
)
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
from client.hmac_auth import HmacAuth
from client.models import LoginResult, Order, OrderRequest, RenewResult, SpotRate, new_co_id
from client.results import BookLevel, MarketDataSet, ResendResult, SpotBook, TradeMessage
from client.transport import Backoff, RetryPolicy

__all__ = [
    "ApiError",
    "Backoff",
    "BadRequest",
    "BookLevel",
    "BookType",
    "ExecFlag",
    "Forbidden",
    "HmacAuth",
    "IntegralClient",
    "IntegralError",
    "LoginResult",
    "MarketDataSet",
    "MarketDataSetId",
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
    "ResendResult",
    "RetryPolicy",
    "ServerError",
    "Side",
    "SpotBook",
    "SpotRate",
    "TimeInForce",
    "TradeEvent",
    "TradeMessage",
    "TransportError",
    "Unauthorized",
    "new_co_id",
]
