"""Booking a trade done elsewhere: the tutorial's booking, sent again, or at too fine a rate."""

# Published (rest/trades, book trade): "trades with rates of higher precision than the pair's
# convention are rejected". The spec decides that a clientRequestId the org already used is a
# 400 (DUPLICATE_REQUEST): a blind retry must not book the trade twice. Each test books the
# tutorial's own trade (the spec's example), its parties and clientRequestId made the caller's
# by the rules generated bookings keep. Failures are AssertionErrors whose message starts with
# the property's name.

from __future__ import annotations

from typing import Any

import pytest

from integral_mock.contracts import checks, rules
from integral_mock.contracts.desk import Desk


def _tutorial_booking(desk: Desk) -> dict[str, Any]:
    """The spec's example booking (Integral's tutorial), within the booking rules."""
    operation = desk.schema.raw_schema["paths"]["/v2/trades"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["published"]
    return rules.within_booking_rules(dict(example["value"]), live=desk.live)


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
