"""Our checks of values that must agree: a quote's sides, a trade's amounts, a data set's asks."""

# A quote's bid is what the venue pays for the base and its offer what it asks: a bid above the
# offer is a crossed quote, which no venue (nor the published examples) shows, and a PQ client
# that buys at the offer would sell it back at a profit. A trade (or a one-fill order) deals
# `dealtAmount` (`cumQty`) of its `currency`, one side of its pair, at `rate` (`averagePrice`,
# term per base), and settles the other side: dealing the base settles amount x rate of the
# term, dealing the term settles amount / rate of the base (the spec's examples: 1,000,000 EUR
# at 1.18638 settle 1,186,380.0). A data set's rates are timed in epoch milliseconds (SpotRate's
# `time`), so on or about the set's business date; the sets answered are those asked for (id,
# date, window) and hold rates of the pairs asked for only (the spec's filters). Failures are
# AssertionErrors starting with the property's name.

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import checks
from integral_mock.contracts.answer_checks import SPOT_PATHS, number
from integral_mock.contracts.session_checks import EPOCH_MS_FLOOR

DATA_SETS = "/marketdataset"

TRADE_PATHS = ("/v2/trades/stp/messages", "/v2/orders/{id}/trades")
# Settled amounts are rounded to cents; a venue's average price may carry a few digits fewer
# than the exact one, which moves the product by a millionth at most.
CENT, PRICE_DIGITS = Decimal("0.01"), Decimal("0.000001")
# How far from its set's business date a rate may be timed: a set is made at the day's close
# or before its window, and a business date may follow a weekend.
DATE_SLACK_MS = 3 * 86_400_000


def quote_is_not_crossed(ctx: CheckContext, response: Response, case: Case) -> None:
    """Every rate answered (a spot rate, each level of a book, each rate of a data set) bids
    no more than it offers."""
    if response.status_code != 200:
        return
    body = checks.json_of(response)
    if case.operation.path in SPOT_PATHS and isinstance(body, dict):
        rates = [body, *_dicts(body.get("levels"))]
    elif case.operation.path == DATA_SETS and isinstance(body, list):
        rates = [r for s in _dicts(body) for r in _dicts(s.get("rates"))]
    else:
        return
    for rate in rates:
        bid, offer = number(rate.get("bid")), number(rate.get("offer"))
        if bid is not None and offer is not None:
            assert bid <= offer, (
                f"quote_is_not_crossed: {rate.get('symbol')} ({rate.get('rateId')}) bids "
                f"{bid} over its offer {offer}"
            )


def trade_settles_at_its_rate(ctx: CheckContext, response: Response, case: Case) -> None:
    """A trade's `currency` is a side of its pair, and its `settledAmount` the other side's
    amount at its `rate`; a one-fill order's `settlCurrAmt` likewise at its `averagePrice`."""
    if response.status_code not in (200, 202):
        return
    body = checks.json_of(response)
    if case.operation.path in TRADE_PATHS and isinstance(body, list):
        for trade in _dicts(body):
            _settles(trade, "dealtAmount", "rate", "settledAmount", f"trade {trade.get('tradeId')}")
    for order in checks.orders_in(response, case):
        if order.get("cumQty") is not None and order.get("lastQty") == order.get("cumQty"):
            where = f"order {order.get('orderId')}"
            _settles(order, "cumQty", "averagePrice", "settlCurrAmt", where)


def data_set_rates_are_timed_on_their_date(
    ctx: CheckContext, response: Response, case: Case
) -> None:
    """A data set's rates carry their `time` in epoch milliseconds: within days of the set's
    business `date`, or, in a set of today's (no `date`), a real clock's reading."""
    body = checks.json_of(response)
    if case.operation.path != DATA_SETS or response.status_code != 200:
        return
    name = "data_set_rates_are_timed_on_their_date"
    for data_set in _dicts(body):
        day = _midnight_ms(data_set.get("date"))
        for rate in _dicts(data_set.get("rates")):
            time = rate.get("time")
            if not isinstance(time, int) or isinstance(time, bool):
                continue  # a wrong type: the schema check says so
            where = f"{name}: {data_set.get('id')}'s {rate.get('symbol')} is timed {time}"
            if day is None:
                assert time >= EPOCH_MS_FLOOR, f"{where}, not epoch milliseconds"
            else:
                assert abs(time - day) <= DATE_SLACK_MS, f"{where}, its set is of {day} ms"


def data_set_is_the_one_asked(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 of /marketdataset holds the sets of the `id` asked, of the `date` and `timeWindow`
    asked (a set of today's says none), and rates of the `symbol` or `symbols` asked only."""
    body = checks.json_of(response)
    if case.operation.path != DATA_SETS or response.status_code != 200:
        return
    asked = case.query or {}
    symbols = [asked.get("symbol"), *str(asked.get("symbols") or "").split(",")]
    pairs = {str(pair) for pair in symbols if pair}
    name = "data_set_is_the_one_asked"
    for data_set in _dicts(body):
        got = data_set.get("id")
        assert "id" not in asked or got == asked["id"], f"{name}: asked for {asked}, got {got}"
        for field in ("date", "timeWindow"):
            value, wanted = data_set.get(field), asked.get(field)
            assert wanted is None or value in (None, wanted), (
                f"{name}: asked for {field} {wanted!r}, {got} answered {value!r}"
            )
        others = {str(r.get("symbol")) for r in _dicts(data_set.get("rates"))} - pairs
        assert not pairs or not others, (
            f"{name}: asked for {sorted(pairs)}, {got} answered {sorted(others)}"
        )


def _midnight_ms(date: Any) -> int | None:
    """The start of `date` (yyyy-MM-dd), UTC, in epoch milliseconds; None for no date."""
    try:
        day = dt.date.fromisoformat(date) if isinstance(date, str) else None
    except ValueError:
        return None
    if day is None:
        return None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _settles(item: dict[str, Any], amount: str, price: str, settled: str, where: str) -> None:
    symbol, currency = item.get("symbol"), item.get("currency")
    if not isinstance(symbol, str) or "/" not in symbol:
        return  # the schema check judges a symbol
    base, _, term = symbol.partition("/")
    name = "trade_settles_at_its_rate"
    assert currency in (base, term), f"{name}: {where} deals {currency!r}, no side of {symbol}"
    dealt, rate, got = (number(item.get(f)) for f in (amount, price, settled))
    if dealt is None or rate is None or got is None or rate <= 0:
        return  # a field left out (they are optional) or of a wrong type: nothing to judge
    wanted = dealt * rate if currency == base else dealt / rate
    slack = CENT + wanted * PRICE_DIGITS
    assert abs(got - wanted) <= slack, (
        f"{name}: {where} deals {dealt} {currency} of {symbol} at {rate}, which settles "
        f"{wanted:.2f} {term if currency == base else base}, and says {settled} {got}"
    )


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
