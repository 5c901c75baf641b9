"""The previously-quoted rules: may this order trade against the quote it cites?"""

from __future__ import annotations

from decimal import Decimal

from integral_mock.exchange.market.rates import Quote
from integral_mock.exchange.orders.ticket import Ticket


def base_amount(order: Ticket, price: Decimal) -> Decimal:
    """The order's size in base currency (limits are quoted in base)."""
    return order.size if order.deals_base else order.size / price


def pq_rejection(order: Ticket, quote: Quote | None, now_ms: int, lifetime_ms: int) -> str | None:
    """The reason a PQ order is rejected, or None if it trades at its quote."""
    pair = order.pair
    rate_id = order.fields["rateId"]
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
    side = order.quoted_side
    quoted = quote.offer if side == "offer" else quote.bid
    if order.price != quoted:
        return f"PRICE_MISMATCH: price {order.price} is not the quoted {side} {quoted}"
    limit = quote.offer_limit if side == "offer" else quote.bid_limit
    if base_amount(order, quoted) > limit:
        return f"SIZE_OVER_LIMIT: size exceeds the quoted {side} limit {limit} {pair.base}"
    return None
