"""The results and requests the client exchanges: frozen dataclasses named after the spec."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integral_mock.client.enums import ExecFlag, OrderStatus, OrderType, Side, TimeInForce
from integral_mock.client.wire import boolean, compact, decimal, enums, field, integer


def new_co_id() -> str:
    """A fresh client order id: unique, so a retried placement can be found again by it."""
    return f"c-{uuid.uuid4().hex}"


def base_currency(symbol: str) -> str:
    """The base currency of a pair: `EUR` of `EUR/USD`."""
    return symbol.split("/")[0]


@dataclass(frozen=True, kw_only=True)
class LoginResult:
    """What login answers besides the token (which the client keeps to itself)."""

    expiry_time: int = field("expiryTime", integer)
    server_utc_time: int = field("serverUTCTime", integer)

    @property
    def lifetime_ms(self) -> int:
        """How long the token lives, measured on the server's clock alone (immune to skew)."""
        return self.expiry_time - self.server_utc_time


@dataclass(frozen=True, kw_only=True)
class RenewResult(LoginResult):
    valid: bool = field("valid", boolean)
    api_version: str = field("apiVersion")
    expired: bool = field("expired", boolean)


@dataclass(frozen=True, kw_only=True)
class SpotRate:
    """Top of book for one pair; `rate_id` makes it tradable by a PQ order for a while."""

    symbol: str = field("symbol")
    bid: Decimal = field("bid", decimal)
    offer: Decimal = field("offer", decimal)
    bid_limit: Decimal = field("bidLimit", decimal)
    offer_limit: Decimal = field("offerLimit", decimal)
    time: int = field("time", integer)
    rate_id: str = field("rateId")

    @property
    def base(self) -> str:
        return base_currency(self.symbol)

    def price_for(self, side: Side | str, currency: str | None = None) -> Decimal:
        """The quoted price a PQ order must carry: buying the base pays the offer.

        Dealing the term currency flips the side: buying USD in EUR/USD sells EUR at the bid.
        """
        # Side(side): "Buy" == Side.BUY, but "Buy" is not Side.BUY, so a str would sell.
        buys_base = (Side(side) is Side.BUY) == (currency is None or currency == self.base)
        return self.offer if buys_base else self.bid


@dataclass(frozen=True, kw_only=True, repr=False)
class _OrderFields:
    """What every order carries, as placed and as echoed back (the spec's OrderFields)."""

    type: OrderType = field("type", OrderType)
    side: Side = field("side", Side)
    symbol: str = field("symbol")
    currency: str = field("currency")
    size: Decimal = field("size", decimal)
    price: Decimal | None = field("price", decimal, default=None)
    time_in_force: TimeInForce | None = field("timeInForce", TimeInForce, default=None)
    rate_id: str | None = field("rateId", default=None)
    account: str | None = field("account", default=None)
    price_type: str | None = field("priceType", default=None)
    value_date: str | None = field("valueDate", default=None)
    expiry_time: int | None = field("expiryTime", integer, default=None)
    client_order_time: str | None = field("clientOrderTime", default=None)
    trade_channel: str | None = field("tradeChannel", default=None)
    target_strategy: str | None = field("targetStrategy", default=None)
    original_co_id: str | None = field("originalCoId", default=None)
    stop_price: Decimal | None = field("stopPrice", decimal, default=None)
    exec_flags: tuple[ExecFlag, ...] | None = field("execFlags", enums(ExecFlag), default=None)
    min_qty: Decimal | None = field("minQty", decimal, default=None)

    def __repr__(self) -> str:
        # Some thirty fields, mostly unset: show only the set ones, or nobody can read a log.
        return f"{type(self).__name__}({compact(self)})"


@dataclass(frozen=True, kw_only=True, repr=False)
class OrderRequest(_OrderFields):
    """An order to place. `co_id` is generated when not given; keep it to find the order."""

    co_id: str = field("coId", default_factory=new_co_id)
    org: str | None = field("org", default=None)

    @classmethod
    def pq(
        cls,
        rate: SpotRate,
        side: Side | str,
        size: Decimal | int | str,
        *,
        currency: str | None = None,
        co_id: str | None = None,
    ) -> OrderRequest:
        """A previously-quoted FOK order at exactly the price `rate` quotes for this side."""
        currency = currency or rate.base
        fields = {
            "time_in_force": TimeInForce.FOK,
            "currency": currency,
            "price": rate.price_for(side, currency),
            "rate_id": rate.rate_id,
            "co_id": co_id or None,  # "" too: generated
        }
        return cls._new(OrderType.PQ, rate.symbol, side, size, **fields)

    @classmethod
    def limit(
        cls,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        price: Decimal | int | str,
        *,
        time_in_force: TimeInForce | str = TimeInForce.GTC,
        expiry_time: int | None = None,
        **options: Any,
    ) -> OrderRequest:
        """A Limit order: IOC/FOK trade now or never; GTC and DAY rest; GTT rests.

        GTT needs `expiry_time` (seconds, at most 86399). `options` as for `market`.
        """
        tif = TimeInForce(time_in_force)
        if (tif is TimeInForce.GTT) != (expiry_time is not None):
            raise ValueError("expiry_time goes with GTT, and GTT needs it")
        fields = {"price": decimal(price), "time_in_force": tif, "expiry_time": expiry_time}
        return cls._new(OrderType.LIMIT, symbol, side, size, **fields, **options)

    @classmethod
    def market(
        cls,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        price: Decimal | int | str,
        **options: Any,
    ) -> OrderRequest:
        """A Market IOC order; it fills at the touch (Integral's order table wants a `price`).

        `options` are any other fields: `currency` (default: the base of the pair), `co_id`
        (default: generated), `org` and `account` (on behalf of), `min_qty`, `trade_channel`, …
        """
        fields = {"price": decimal(price), "time_in_force": TimeInForce.IOC}
        return cls._new(OrderType.MARKET, symbol, side, size, **fields, **options)

    @classmethod
    def at_best(
        cls,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        value_date: dt.date | str,
        **options: Any,
    ) -> OrderRequest:
        """An AtBest FOK order settling on `value_date`; `price_type="NDF"` for an NDF."""
        date = value_date.isoformat() if isinstance(value_date, dt.date) else value_date
        fields = {"time_in_force": TimeInForce.FOK, "value_date": date}
        return cls._new(OrderType.AT_BEST, symbol, side, size, **fields, **options)

    @classmethod
    def stop(
        cls,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        stop_price: Decimal | int | str,
        *,
        trigger: ExecFlag | str = ExecFlag.MID_TRIGGER,
        price: Decimal | int | str | None = None,
        **options: Any,
    ) -> OrderRequest:
        """A Stop order: rests until the bid, offer or mid (`trigger`) reaches `stop_price`.

        Then it works at the market. `price` defaults to `stop_price`.
        """
        fields = {
            "stop_price": decimal(stop_price),
            "price": decimal(stop_price if price is None else price),
            "exec_flags": (ExecFlag(trigger),),  # an array on the wire, as published
        }
        return cls._new(OrderType.STOP, symbol, side, size, **fields, **options)

    @classmethod
    def _new(
        cls,
        kind: OrderType,
        symbol: str,
        side: Side | str,
        size: Decimal | int | str,
        **fields: Any,
    ) -> OrderRequest:
        # An option given as None means "the default", as for pq: a generated coId, the base.
        given = {name: value for name, value in fields.items() if value is not None}
        given.setdefault("currency", base_currency(symbol))
        return cls(type=kind, symbol=symbol, side=Side(side), size=decimal(size), **given)


@dataclass(frozen=True, kw_only=True, repr=False)
class Order(_OrderFields):
    """An order as the venue holds it; fill fields are set once it has a fill."""

    co_id: str = field("coId")
    order_id: str = field("orderId")
    org: str = field("org")
    user_full_name: str = field("userFullName")
    action: str = field("action")
    status: OrderStatus = field("status", OrderStatus)
    reason: str | None = field("reason", default=None)
    average_price: Decimal | None = field("averagePrice", decimal, default=None)
    cum_qty: Decimal | None = field("cumQty", decimal, default=None)
    leaves_qty: Decimal | None = field("leavesQty", decimal, default=None)
    last_price: Decimal | None = field("lastPrice", decimal, default=None)
    last_qty: Decimal | None = field("lastQty", decimal, default=None)
    exec_id: str | None = field("execId", default=None)
    execution_type: str | None = field("executionType", default=None)
    trade_date: str | None = field("tradeDate", default=None)
    settl_curr_amt: Decimal | None = field("settlCurrAmt", decimal, default=None)
    counter_party: str | None = field("counterParty", default=None)
    transact_time: int | None = field("transactTime", integer, default=None)
