"""Positions and booked trades through the client, and its models against the spec."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from integral_mock.client import (
    BadRequest,
    BookedTrade,
    Position,
    PositionLevel,
    Side,
    TradeBooking,
    TradeChannel,
    TradeEvent,
    TradeType,
)
from integral_mock.client.wire import to_wire, wire_names

# tutorialbooktrade's example, as a TradeBooking.
PUBLISHED = TradeBooking(
    type=TradeType.SPOT,
    channel=TradeChannel.TRADE_ENTRY,
    client_request_id="req Spot 644",
    counterparty="BrokerOrg",
    counterparty_account="BrokerOrgLE",
    counterparty_trader="BrokerOrgUser",
    cover_rate=Decimal("1.1234"),
    credit_mode=2,
    credit_valuation_adjustment=Decimal("1.44"),
    customer_account="CustOrg1le1",
    customer_org="CustOrg1",
    trader="CustOrg1User",
    dealt_amount=Decimal(2_000_000),
    dealt_ins="USD",
    note="Notes on trade",
    rate=Decimal("1.09706"),
    rate_id="2022-05-12-GBPUSD-SP-435cd558",
    reference_id="ref A4f2",
    side=Side.SELL,
    spot_rate=Decimal("1.09696"),
    stp=True,
    symbol="GBP/USD",
    trade_date="2022-05-12",
    value_date="2022-05-17",
)


def _schema(spec, name):
    return spec["components"]["schemas"][name]


def _required(cls) -> set[str]:
    return {n for n, f in wire_names(cls).items() if f.default is dataclasses.MISSING}


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Position, "Position"),
        (TradeBooking, "BookTradeRequest"),
        (BookedTrade, "BookTradeResponse"),
    ],
)
def test_the_models_have_the_specs_fields_and_require_what_it_requires(spec, model, name):
    schema = _schema(spec, name)
    assert set(wire_names(model)) == set(schema["properties"])
    assert _required(model) == set(schema["required"])


def test_the_enums_are_the_specs(spec):
    operation = spec["paths"]["/v2/positions"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"] if "name" in p}
    request = _schema(spec, "BookTradeRequest")["properties"]
    assert [m.value for m in PositionLevel] == params["level"]["enum"]
    assert [m.value for m in TradeType] == request["type"]["enum"]
    assert [m.value for m in TradeChannel] == request["channel"]["enum"]


def test_the_published_booking_goes_out_as_the_tutorial_writes_it(spec):
    example = spec["paths"]["/v2/trades"]["post"]["requestBody"]["content"]["application/json"]
    published = example["examples"]["published"]["value"]
    assert to_wire(PUBLISHED) == {**published, "side": "Sell"}  # the enum's spelling of SELL


def test_a_booked_trade_shows_in_the_download_and_the_positions(client):
    booked = client.book_trade(PUBLISHED)
    (trade,) = client.download_trades()
    (position,) = client.get_positions(symbol="GBP/USD")

    assert (booked.trade_id, booked.client_request_id) == ("FXI30501001", "req Spot 644")
    assert (trade.trade_id, trade.event, trade.channel) == (
        booked.trade_id,
        TradeEvent.NEW,
        "API/TradeEntry",
    )
    assert (trade.side, trade.counterparty_account) == (Side.SELL, "BrokerOrgLE")
    assert (position.level, position.level_value) == (PositionLevel.ORG, "CustOrg1")
    assert position.net_open_term == -trade.dealt_amount
    assert position.net_open_base == trade.settled_amount == Decimal("1823054.35")


def test_positions_follow_the_fills_typed_and_by_level(client):
    bought = client.trade_pq("EUR/USD", "Buy", 1_000_000)
    (position,) = client.get_positions()
    (user,) = client.get_positions(level="user", value="apiUserId@apiOrganizationId")

    assert position.side is Side.BUY
    assert position.net_open_base == bought.cum_qty
    assert position.net_open_term == -bought.settl_curr_amt
    assert isinstance(position.unrealized_pnl, Decimal)
    assert position.children[0].children == (user,)
    assert client.get_positions(symbol="USD/JPY") == []
    assert client.positions() == client.get_positions()  # the name, an alias


def test_a_booking_the_server_refuses_is_a_bad_request(client):
    with pytest.raises(BadRequest, match="decimals"):
        client.book_trade(dataclasses.replace(PUBLISHED, rate=Decimal("1.097061")))
