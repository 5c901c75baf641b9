"""The previously-quoted rules: may this order trade against the quote it cites?"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integral_mock.exchange.market.rates import Pair, Quote


def quoted_side(pair: Pair, side: str, currency: str) -> str:
    """Which side of the quote the order hits: 'offer' when it buys the base currency.

    Dealing the term currency flips the side: buying USD in EUR/USD sells EUR, at the bid.
    """
    buys_base = (side == "Buy") == (currency == pair.base)
    return "offer" if buys_base else "bid"


def base_amount(order: dict[str, Any], pair: Pair, price: Decimal) -> Decimal:
    """The order's size in base currency (limits are quoted in base)."""
    size = Decimal(str(order["size"]))
    return size if order["currency"] == pair.base else size / price


def pq_rejection(
    order: dict[str, Any], pair: Pair, quote: Quote | None, now_ms: int, lifetime_ms: int
) -> str | None:
    """The reason a PQ order is rejected, or None if it trades at its quote."""
    rate_id = order["rateId"]
    if quote is None:
        return f"UNKNOWN_RATE: rateId {rate_id} was not issued to this org"
    if quote.valid_until_ms is not None:
        if not quote.issued_ms <= now_ms < quote.valid_until_ms:
            return f"OUTSIDE_WINDOW: rateId {rate_id} is tradable only inside its time window"
    elif now_ms - quote.issued_ms > lifetime_ms:
        age = now_ms - quote.issued_ms
        return f"QUOTE_EXPIRED: rateId {rate_id} is {age} ms old; quotes live {lifetime_ms} ms"
    if quote.symbol != pair.symbol:
        return f"SYMBOL_MISMATCH: rateId {rate_id} quotes {quote.symbol}, not {pair.symbol}"
    side = quoted_side(pair, order["side"], order["currency"])
    quoted = quote.offer if side == "offer" else quote.bid
    price = Decimal(str(order["price"]))
    if price != quoted:
        return f"PRICE_MISMATCH: price {price} is not the quoted {side} {quoted}"
    limit = quote.offer_limit if side == "offer" else quote.bid_limit
    if base_amount(order, pair, quoted) > limit:
        return f"SIZE_OVER_LIMIT: size exceeds the quoted {side} limit {limit} {pair.base}"
    return None
