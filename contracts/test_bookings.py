"""Booking a trade done elsewhere: the tutorial's booking downloaded, sent again, or too fine."""

# Published (rest/trades, book trade): "trades with rates of higher precision than the pair's
# convention are rejected". The spec decides that a clientRequestId the org already used is a
# 400 (DUPLICATE_REQUEST): a blind retry must not book the trade twice. Published too: the
# booked trade "then appears in the STP download of the customer org". Each test books the
# tutorial's own trade (the spec's example), its parties and clientRequestId made the caller's
# by the rules generated bookings keep. Failures are AssertionErrors whose message starts with
# the property's name.

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.contracts import checks, rules
from integral_mock.contracts.desk import Desk

# A booked trade's download fields and the booking fields they say (the side in any case).
BOOKED_AS = (
    ("tradeType", "type"),
    ("symbol", "symbol"),
    ("side", "side"),
    ("currency", "dealtIns"),
    ("dealtAmount", "dealtAmount"),
    ("rate", "rate"),
    ("customerOrg", "customerOrg"),
    ("customerAccount", "customerAccount"),
    ("counterparty", "counterparty"),
)


def _example(desk: Desk) -> dict[str, Any]:
    """The spec's example booking (Integral's tutorial), as it stands."""
    operation = desk.schema.raw_schema["paths"]["/v2/trades"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["published"]
    return dict(example["value"])


def _tutorial_booking(desk: Desk) -> dict[str, Any]:
    """The spec's example booking, within the booking rules."""
    return rules.within_booking_rules(_example(desk), live=desk.live)


@pytest.mark.sandbox_decision  # 400 DUPLICATE_REQUEST for a clientRequestId used again
def test_a_client_request_id_used_again_is_a_400(desk: Desk) -> None:
    booking = _tutorial_booking(desk)
    first = desk.call("bookTrade", body=booking)
    assert first.status_code == 200, first.text_lossy()
    again = desk.call("bookTrade", body=booking)
    name = "client_request_id_used_again_is_refused"
    assert again.status_code == 400, (
        f"{name}: clientRequestId {booking['clientRequestId']!r} booked again answered HTTP "
        f"{again.status_code}: {again.text_lossy()[:300]}"
    )
    code = (checks.json_of(again) or {}).get("errorCode")
    assert code == "DUPLICATE_REQUEST", f"{name}: errorCode {code!r}, not 'DUPLICATE_REQUEST'"


def test_a_booking_at_a_rate_finer_than_the_pairs_convention_is_refused(desk: Desk) -> None:
    booking = _tutorial_booking(desk)
    decimals = 3 if "JPY" in booking["symbol"] else 5  # the conventions rules.py books at
    finer = round(booking["rate"] + 10 ** -(decimals + 1), decimals + 1)
    response = desk.call("bookTrade", body={**booking, "rate": finer})
    assert 400 <= response.status_code < 500, (
        f"rate_precision_is_refused: a {booking['symbol']} booking at rate {finer} "
        f"({decimals + 1} decimals) answered HTTP {response.status_code}"
    )


@pytest.mark.stp_download  # it consumes the org's waiting trades
def test_a_booked_trade_is_downloaded_once_as_it_was_booked(desk: Desk) -> None:
    # Published: the booked trade "then appears in the STP download of the customer org"; here
    # the customer is the caller's own org, so its download must hand the trade out, as NEW.
    desk.download_all()  # whatever the org had waiting, as a client polling until [] would
    unknown = {"customerOrg": "-", "customerAccount": "-"}  # the rules make them the caller's
    booking = rules.within_booking_rules({**_example(desk), **unknown}, live=desk.live)
    booked = desk.call("bookTrade", body=booking)
    assert booked.status_code == 200, booked.text_lossy()
    trade_id = booked.json()["tradeId"]
    found: list[dict[str, Any]] = []
    deadline = desk.now_s() + desk.target.settings.poll_timeout_s
    while not found and desk.now_s() < deadline:
        found = [t for t in desk.download_all() if t.get("tradeId") == trade_id]
        desk.wait()
    name = "booked_trade_is_downloaded"
    assert len(found) == 1, f"{name}: booked trade {trade_id} was downloaded as {found!r}"
    trade = found[0]
    assert trade.get("event") == "NEW", f"{name}: trade {trade_id} came as {trade.get('event')!r}"
    for field, of_booking in BOOKED_AS:
        got, sent = trade.get(field), booking[of_booking]
        same = str(got).lower() == str(sent).lower() if field == "side" else got == sent
        assert same, f"{name}: trade {trade_id}'s {field} is {got!r}, booked as {sent!r}"
