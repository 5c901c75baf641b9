"""What a quote allows (its side for the currency, its size), a Limit IOC and GTT, a symbol."""

# integral-api.md's order rules: a PQ order's price "must equal the quoted side (Buy base at
# offer, Sell base at bid; dealing the term currency flips the side)", its size "must not
# exceed that side's limit"; a Limit IOC is "now or never → FILLED or EXPIRED" and fills
# "when the market crosses the limit", a GTT one rests and "expires" (after its `expiryTime`
# seconds); a spot symbol is a 400 when malformed and a 404 when well formed but not
# provisioned. Each is a sandbox decision but the Limit's price, which is
# what a limit is. Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from decimal import Decimal

import pytest

from integral_mock.contracts import calls, checks
from integral_mock.contracts.desk import Desk, statuses

# A Limit buy this far over the offer crosses it: no market moves 2% while a test runs.
CROSSING = Decimal("1.02")
RESTING = Decimal("0.98")
# A GTT order's lifetime (seconds): long enough to read it back working over a network, short
# enough to see it expire within the poll timeout.
GTT_LIFE_S = 5


def _term_of(symbol: str) -> str:
    return symbol.partition("/")[2]


@pytest.mark.sandbox_decision  # the PQ rules are integral-api.md's decisions
@pytest.mark.parametrize(
    ("side", "dealt", "quoted"),
    [("Sell", "base", "bid"), ("Buy", "term", "bid"), ("Sell", "term", "offer")],
)
def test_a_pq_order_trades_the_side_its_side_and_currency_say(
    desk: Desk, side: str, dealt: str, quoted: str
) -> None:
    quote = desk.quote()
    currency = quote["symbol"][:3] if dealt == "base" else _term_of(quote["symbol"])
    placed = desk.place(quote, side=side, currency=currency, price=quote[quoted])
    seen = desk.poll_to_final(placed)
    name = "pq_trades_the_quoted_side"
    where = f"{name}: a PQ {side} of {currency} at the quoted {quoted} {quote[quoted]}"
    assert seen[-1]["status"] == checks.FILLED, f"{where} went {statuses(seen)}: {seen[-1]}"
    average = Decimal(str(seen[-1]["averagePrice"]))
    assert average == Decimal(str(quote[quoted])), f"{where} filled at {average}"


@pytest.mark.sandbox_decision  # accepted, then REJECTED: a venue may refuse it at once
def test_a_pq_order_over_the_quoted_size_is_rejected(desk: Desk) -> None:
    quote = desk.quote()
    limit = Decimal(str(quote["offerLimit"]))
    size = float(limit * 2) if limit > 0 else 1000.0
    seen = desk.poll_to_final(desk.place(quote, size=size))
    assert seen[-1]["status"] == checks.REJECTED, (
        f"pq_over_the_quoted_size_is_rejected: a PQ buy of {size} where the quote's offerLimit "
        f"is {limit} went {statuses(seen)}"
    )


@pytest.mark.sandbox_decision  # IOC "now or never": the sandbox's order rules
def test_a_limit_ioc_fills_no_worse_than_its_price_or_expires(desk: Desk) -> None:
    _now_or_never(desk, "IOC")


@pytest.mark.sandbox_decision  # "IOC/FOK: now or never": the sandbox's order rules
def test_a_limit_fok_fills_no_worse_than_its_price_or_expires(desk: Desk) -> None:
    _now_or_never(desk, "FOK")


def _now_or_never(desk: Desk, time_in_force: str) -> None:
    """A Limit buy of `time_in_force` over the offer fills, one under the bid EXPIRES."""
    quote = desk.quote()
    bid, offer = Decimal(str(quote["bid"])), Decimal(str(quote["offer"]))
    name = f"limit_{time_in_force.lower()}_is_now_or_never"
    for price, ends in ((offer * CROSSING, checks.FILLED), (bid * RESTING, checks.EXPIRED)):
        placed = desk.limit(quote, time_in_force, price, tag=ends)
        seen = desk.poll_to_final(placed, hint=f"({name}: an {time_in_force} order rests)")
        assert seen[-1]["status"] == ends, (
            f"{name}: a Limit {time_in_force} buy at {placed['price']} (bid {bid}, offer "
            f"{offer}) went {statuses(seen)}"
        )
    # fill_checks.limit_fills_at_its_price or better judged the fill as it was answered.


@pytest.mark.sandbox_decision  # 400 for a malformed symbol, 404 for one not provisioned
def test_a_malformed_symbol_is_a_400_and_an_unknown_one_a_404(desk: Desk) -> None:
    name = "symbol_answers_as_decided"
    for symbol, expected in (("EURUSD", 400), ("QQ/ZZ", 404)):
        asked = calls.request(desk.schema, "getSpotRate", desk.token, query={"symbol": symbol})
        response = asked.call()
        assert response.status_code == expected, (
            f"{name}: symbol {symbol!r} answered {response.status_code}, not {expected}"
        )
        checks.error_body_is_error_object(None, response, asked)  # type: ignore[arg-type]


@pytest.mark.sandbox_decision  # GTT "rests, may fill later, expires": the sandbox's order rules
def test_a_limit_gtt_rests_then_expires_after_its_expiry_time(desk: Desk) -> None:
    quote = desk.quote()
    price = Decimal(str(quote["bid"])) * RESTING
    placed = desk.limit(quote, "GTT", price, tag="gtt", expiryTime=GTT_LIFE_S)
    name = "limit_gtt_lives_its_expiry_time"
    halfway = desk.now_s() + GTT_LIFE_S / 2
    while desk.now_s() < halfway:
        desk.wait()
    working = desk.order(placed["orderId"])
    assert working["status"] not in checks.FINAL, (
        f"{name}: a Limit GTT buy under the bid, to expire in {GTT_LIFE_S} s, is "
        f"{working['status']} half that time after it was placed"
    )
    seen = desk.poll_to_final(placed, hint=f"({name}: a GTT order rests past its expiryTime)")
    assert seen[-1]["status"] == checks.EXPIRED, (
        f"{name}: a Limit GTT buy at {placed['price']} under the bid {quote['bid']} went "
        f"{statuses(seen)}"
    )


@pytest.mark.sandbox_decision  # the spec's "every answer issues a fresh rateId"
def test_every_spot_answer_issues_a_fresh_rate_id(desk: Desk) -> None:
    rate_ids = [desk.quote()["rateId"] for _ in range(3)]
    assert len(set(rate_ids)) == len(rate_ids), (
        f"spot_rate_id_is_fresh: three spot rates of EUR/USD answered rateIds {rate_ids}"
    )
