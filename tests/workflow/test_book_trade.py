"""Book trade (POST /v2/trades): the tutorial's example, then the download and the positions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config, User
from tests.helpers import VIEWER, Api, assert_error, close_app, error_fields

# tutorialbooktrade, verbatim.
PUBLISHED = {
    "type": "Spot", "channel": "1", "clientRequestId": "req Spot 644", "counterparty": "BrokerOrg",
    "counterpartyAccount": "BrokerOrgLE", "counterpartyTrader": "BrokerOrgUser",
    "coverRate": 1.1234, "creditMode": 2, "creditValuationAdjustment": 1.44,
    "customerAccount": "CustOrg1le1",
    "customerOrg": "CustOrg1", "trader": "CustOrg1User", "dealtAmount": 2000000, "dealtIns": "USD",
    "note": "Notes on trade", "rate": 1.09706, "rateId": "2022-05-12-GBPUSD-SP-435cd558",
    "referenceId": "ref A4f2", "side": "SELL", "spotRate": 1.09696, "stp": True,
    "symbol": "GBP/USD", "tradeDate": "2022-05-12", "valueDate": "2022-05-17",
}  # fmt: skip
CUSTOMER = {"user": "custUser", "pass": "cust-pass", "org": "CustOrg1"}


def _book(api: Api, token: str, trade: dict[str, Any]) -> Any:
    return api.client.post("/v2/trades", json=trade, headers={"SSO_TOKEN": token})


def _download(api: Api, token: str) -> list[dict[str, Any]]:
    return list(api.get("/v2/trades/stp/messages", token).json or [])


def test_the_published_example_is_booked_as_it_stands(api: Api, token: str) -> None:
    response = _book(api, token, PUBLISHED)
    assert response.status_code == 200, response.json
    assert response.json == {
        "tradeId": "FXI30501001",
        "createdTime": "2026-01-01 10:00:00,000 +0000",
        "clientRequestId": "req Spot 644",
    }
    assert _book(api, token, {**PUBLISHED, "clientRequestId": "2"}).json["tradeId"] == "FXI30501002"


def test_a_booked_trade_is_downloaded_once_as_new(api: Api, token: str) -> None:
    _book(api, token, PUBLISHED)
    [trade] = _download(api, token)
    assert trade == {
        "orderId": "30501001",
        "tradeId": "FXI30501001",
        "coId": "req Spot 644",
        "event": "NEW",
        "tradeType": "Spot",
        "tradeDate": "2022-05-12",
        "valueDate": "2022-05-17",
        "maker": False,
        "side": "Sell",
        "status": "Verified",
        "symbol": "GBP/USD",
        "currency": "USD",
        "customerAccount": "CustOrg1le1",
        "customerOrg": "CustOrg1",
        "user": "apiUserId@apiOrganizationId",
        "counterparty": "BrokerOrg",
        "channel": "API/TradeEntry",
        "executionTime": "2026-01-01 10:00:00,000 +0000",
        "dealtAmount": 2000000,
        "rate": 1.09706,
        "settledAmount": 1823054.35,  # 2,000,000 USD / 1.09706
        "counterpartyAccount": "BrokerOrgLE",
        "counterpartyLongName": "BrokerOrg",
        "rateId": "2022-05-12-GBPUSD-SP-435cd558",
    }
    assert _download(api, token) == []
    resend = {
        "startDate": "2022-05-12 00:00:00,000 +0000",
        "endDate": "2022-05-12 23:59:59,999 +0000",
    }
    assert (
        api.client.post("/v2/trades/stp/resend", json=resend, headers={"SSO_TOKEN": token}).json[
            "resent"
        ]
        == 1
    )
    assert [t["event"] for t in _download(api, token)] == ["RESEND"]


def test_a_booked_trade_moves_the_customers_position(api: Api, token: str) -> None:
    _book(api, token, PUBLISHED)
    # Selling 2,000,000 USD for GBP buys GBP: long the base, short the term.
    [position] = api.get("/v2/positions?symbol=GBP%2FUSD", token).json
    assert (position["levelValue"], position["side"], position["valueDate"]) == (
        "CustOrg1",
        "Buy",
        "2022-05-17",
    )
    assert (position["netOpenBase"], position["netOpenterm"]) == (1823054.35, -2000000)
    assert position["children"][0]["levelValue"] == "CustOrg1le1"


@pytest.fixture
def customer_app() -> Iterator[Flask]:
    """The shipped config plus a login of CustOrg1, the customer org of the example."""
    config = Config.default(validate_responses=True)
    customer = User(CUSTOMER["user"], CUSTOMER["pass"], CUSTOMER["org"])
    app = create_app(config.replace(users=(*config.users, customer)), clock=ManualClock())
    yield app
    close_app(app)


def test_the_customer_org_downloads_a_trade_booked_for_it(customer_app: Flask) -> None:
    client: FlaskClient = customer_app.test_client()
    api = Api(client, customer_app.extensions["integral-mock"].clock)
    assert _book(api, api.token(), PUBLISHED).status_code == 200
    [trade] = _download(api, api.token(CUSTOMER))
    assert (trade["tradeId"], trade["customerOrg"]) == ("FXI30501001", "CustOrg1")


def test_after_the_booking_org_is_reset_a_new_booking_reaches_the_customer_too(
    customer_app: Flask,
) -> None:
    """The booked trade's id is not reused: the customer has downloaded the old one."""
    client: FlaskClient = customer_app.test_client()
    api = Api(client, customer_app.extensions["integral-mock"].clock)
    assert _book(api, api.token(), PUBLISHED).status_code == 200
    assert len(_download(api, api.token(CUSTOMER))) == 1
    reset = client.post("/__admin/reset", json={"org": "apiOrganizationId"})
    assert reset.status_code == 200
    again = _book(api, api.token(), PUBLISHED)
    assert again.status_code == 200
    assert again.json["tradeId"] == "FXI30501002"
    [trade] = _download(api, api.token(CUSTOMER))
    assert trade["tradeId"] == "FXI30501002"


def test_a_minimal_trade_for_ones_own_org_defaults_its_dates(api: Api, token: str) -> None:
    own = {
        "type": "Outright",
        "channel": "0",
        "counterparty": "BrokerOrg",
        "counterpartyAccount": "BrokerOrgLE",
        "customerOrg": "apiOrganizationId",
        "customerAccount": "apiOrganizationId",
        "dealtIns": "EUR",
        "dealtAmount": 1000,
        "rate": 1.1,
        "side": "Buy",
        "symbol": "EUR/USD",
    }
    booked = _book(api, token, own)
    assert booked.status_code == 200, booked.json
    assert "clientRequestId" not in booked.json
    [trade] = _download(api, token)
    assert (trade["tradeDate"], trade["valueDate"]) == ("2026-01-01", "2026-01-05")
    assert (trade["channel"], trade["tradeType"], trade["coId"]) == (
        "API/CreditEntry",
        "Outright",
        trade["tradeId"],
    )
    assert "fixingDate" not in trade


def test_a_booked_ndf_carries_its_fixing(api: Api, token: str) -> None:
    ndf = {**PUBLISHED, "type": "NDF", "clientRequestId": "req NDF 1", "symbol": "USD/INR"}
    ndf |= {"dealtIns": "USD", "rate": 83.3, "tradeDate": "2022-05-12", "valueDate": "2022-06-14"}
    assert _book(api, token, ndf).status_code == 200
    [trade] = _download(api, token)
    # Tuesday 2022-06-14 is fixed two weekdays before; a date past spot is a broken one.
    assert (trade["tradeType"], trade["fixingDate"], trade["fixingTenor"]) == (
        "NDF",
        "2022-06-10",
        "BROKEN",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rate": 1.097061}, "rate"),  # more decimals than GBP/USD's five
        ({"dealtIns": "EUR"}, "dealtIns"),
        ({"symbol": "XAU/XAG"}, "symbol"),
        ({"counterparty": "NoSuchOrg"}, "counterparty"),
        ({"counterpartyAccount": "OtherLE"}, "counterpartyAccount"),
        ({"customerAccount": "BrokerOrgLE"}, "customerAccount"),
        ({"type": "Forward"}, "type"),
        ({"channel": "2"}, "channel"),
        ({"channel": 1}, "channel"),
        ({"side": "Hold"}, "side"),
        ({"dealtAmount": 0}, "dealtAmount"),
        ({"tradeDate": "2022-05-32"}, "tradeDate"),
        ({"tradeDate": "9999-12-31", "valueDate": "9999-12-31"}, "tradeDate"),  # no 500 near 9999
        ({"tradeDate": "9999-12-30"}, "tradeDate"),  # its spot date would be past the calendar
        ({"valueDate": "2022-05-11"}, "valueDate"),  # before the trade date
        ({"rate": None}, "rate"),
    ],
)
def test_a_trade_that_breaks_a_rule_is_400_and_books_nothing(
    api: Api, token: str, changes: dict[str, Any], field: str
) -> None:
    response = _book(api, token, {**PUBLISHED, **changes})
    assert field in error_fields(assert_error(response, 400, "INVALID_REQUEST"))
    assert _download(api, token) == []


@pytest.mark.parametrize(
    "missing",
    ["type", "channel", "counterparty", "customerOrg", "dealtAmount", "rate", "side", "symbol"],
)
def test_a_trade_without_a_required_field_is_400(api: Api, token: str, missing: str) -> None:
    trade = {k: v for k, v in PUBLISHED.items() if k != missing}
    assert error_fields(assert_error(_book(api, token, trade), 400, "INVALID_REQUEST")) == {missing}


def test_a_client_request_id_used_before_is_a_duplicate(api: Api, token: str) -> None:
    _book(api, token, PUBLISHED)
    assert_error(_book(api, token, PUBLISHED), 400, "DUPLICATE_REQUEST")
    assert len(_download(api, token)) == 1


def test_booking_for_an_org_one_may_not_act_for_is_forbidden(api: Api, token: str) -> None:
    response = _book(api, token, {**PUBLISHED, "customerOrg": "orgB", "customerAccount": "orgB"})
    assert_error(response, 403, "FORBIDDEN")
    assert_error(_book(api, api.token(VIEWER), PUBLISHED), 403, "FORBIDDEN")  # cannot trade


def test_booking_needs_a_token(api: Api) -> None:
    assert_error(api.client.post("/v2/trades", json=PUBLISHED), 401, "TOKEN_MISSING")


def test_the_spec_holds_the_tutorials_example_verbatim(api: Api) -> None:
    spec = api.client.get("/openapi.json").json
    body = spec["paths"]["/v2/trades"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]["published"]["value"] == PUBLISHED


def test_a_sliver_of_a_trade_still_has_a_position(api: Api, token: str) -> None:
    # 0.001 USD at 1.09706 is less than a cent of GBP: its base side rounds to nothing.
    assert _book(api, token, {**PUBLISHED, "dealtAmount": 0.001}).status_code == 200
    [position] = api.get("/v2/positions?symbol=GBP%2FUSD", token).json
    assert (position["netOpenBase"], position["realizedPnL"]) == (0, 0)
    assert '"realizedPnL":0.0' in api.get("/v2/positions", token).get_data(as_text=True)
