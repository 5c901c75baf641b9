"""Pairs beyond 3/3 currencies: Integral's symbols include metals and coins, currencies up to 10."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers import Api, assert_error, error_fields
from tests.workflow.support import SETTLE_MS

COIN = "BTC%2FUSDT"


@pytest.mark.parametrize(("symbol", "lot"), [("BTC%2FUSDT", 10), ("XAU%2FUSD", 1_000)])
def test_a_metal_or_coin_quotes_sizes_in_its_own_lots(
    api: Api, token: str, symbol: str, lot: int
) -> None:
    rate = api.spot(token, symbol)
    assert rate["symbol"] == symbol.replace("%2F", "/")
    assert Decimal(str(rate["bid"])) < Decimal(str(rate["offer"]))
    for limit in (rate["bidLimit"], rate["offerLimit"]):
        assert limit % lot == 0
        assert lot <= limit <= 10 * lot


def test_a_coin_is_traded_in_its_four_letter_term_currency(api: Api, token: str) -> None:
    rate = api.spot(token, COIN)
    # Buying USDT is selling the base: the order deals at the bid, for at most the bid's size
    # in coin, here a fifth of a coin's worth of USDT.
    usdt = round(float(rate["bid"]) / 5, 2)
    order = api.pq_order(rate, side="Buy", currency="USDT", price=rate["bid"], size=usdt)
    placed = api.placed(token, order)
    api.clock.advance(SETTLE_MS)
    filled = api.order(token, placed["orderId"])
    assert (filled["status"], filled["currency"], filled["cumQty"]) == ("FILLED", "USDT", usdt)

    [trade] = api.get("/v2/trades/stp/messages", token).json
    assert (trade["symbol"], trade["currency"], trade["dealtAmount"]) == ("BTC/USDT", "USDT", usdt)
    [position] = api.get("/v2/positions?symbol=BTC%2FUSDT", token).json
    assert (position["symbol"], position["side"], position["pnlCurrency"]) == (
        "BTC/USDT",
        "Sell",
        "USDT",
    )


def test_a_fixed_period_rate_id_names_a_coin_without_its_slash(api: Api, token: str) -> None:
    rate_id = "4HProduct|2026-01-01|0800-1200|BTCUSDT|SPOT"
    query = f"/v2/rates/spot?symbol={COIN}"
    price = api.get(query, token).json["offer"]
    order = api.pq_order({"symbol": "BTC/USDT", "rateId": rate_id, "offer": price}, size=1)
    placed = api.placed(token, order)
    api.clock.advance(SETTLE_MS)
    fate = api.order(token, placed["orderId"])
    # Found as the coin's window quote: judged on its price, never "unknown rate".
    assert fate["status"] in ("FILLED", "REJECTED")
    assert "unknown" not in fate.get("reason", "").lower()


def test_a_well_formed_pair_the_venue_does_not_price_is_not_found(api: Api, token: str) -> None:
    assert_error(api.get("/v2/rates/spot?symbol=DOGE%2FUSDT", token), 404, "UNKNOWN_SYMBOL")


@pytest.mark.parametrize(
    "symbol", ["EURUSD", "eur%2Fusd", "E%2FUSD", "EUR%2FUSD%2FJPY", "ABCDEFGHIJK%2FUSD"]
)
def test_a_malformed_pair_is_a_bad_request(api: Api, token: str, symbol: str) -> None:
    body = assert_error(api.get(f"/v2/rates/spot?symbol={symbol}", token), 400, "INVALID_REQUEST")
    assert error_fields(body) == {"symbol"}


def test_an_order_in_a_ten_character_currency_passes_validation(api: Api, token: str) -> None:
    order = {"coId": "long-ccy", "type": "Market", "timeInForce": "IOC", "side": "Buy"}
    order |= {"symbol": "ABCDEFGHIJ/USD", "currency": "ABCDEFGHIJ", "size": 1, "price": 1.0}
    # Well formed, so past the schema: a placement fails with 400, and the venue says why.
    body = assert_error(api.place(token, order), 400, "INVALID_REQUEST")
    message = "ABCDEFGHIJ/USD is not provisioned for org apiOrganizationId"
    assert body["responseTuples"] == [{"field": "symbol", "message": message}]
