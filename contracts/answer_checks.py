"""Our checks of values a schema cannot judge: a quote's pair, a book's order, times, echoes."""

# Each is written from what Integral publishes (integral-api.md) or the spec states in words:
# a spot rate is for the symbol asked; a FULL or RAW book is "best first"; `transactTime` and
# a rate's `time` are epoch milliseconds; a booking's answer carries the request's own
# `clientRequestId` (the published answer echoes it); another org's book is refused (a 403);
# a download hands out at most `maxCount` trades; TOB answers one rate, FULL and RAW a book;
# an order asked for by id or coId is that order.
# Failures are AssertionErrors whose message starts with the property's name.

from __future__ import annotations

from decimal import Decimal
from typing import Any

from schemathesis import Case, CheckContext, Response

from integral_mock.contracts import checks, credentials
from integral_mock.contracts.session_checks import EPOCH_MS_FLOOR

# Integral publishes the download's default batch size.
DEFAULT_MAX_COUNT = 50
BOOK_TYPES = ("TOB", "FULL", "RAW")
SPOT_PATHS = ("/v2/rates/spot", "/v2/rates/spot/{type}", "/v2/rates/spot/{type}/{org}")


def spot_rate_is_for_the_symbol_asked(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 spot rate (top of book or book, and each of its levels) is for the symbol asked."""
    if case.operation.path not in SPOT_PATHS or response.status_code != 200:
        return
    asked = (case.query or {}).get("symbol")
    body = checks.json_of(response)
    if not isinstance(body, dict) or not isinstance(asked, str):
        return
    name = "spot_rate_is_for_the_symbol_asked"
    for rate in [body, *_levels(body)]:
        got = rate.get("symbol")
        assert got == asked, f"{name}: asked for {asked!r}, answered a rate for {got!r}"


def order_is_the_one_asked(ctx: CheckContext, response: Response, case: Case) -> None:
    """A 200 to GET /v2/orders/{id} is order `id`, and one to GET /v2/orders?coId=X (an
    object) is the order of coId X."""
    if case.method.upper() != "GET" or response.status_code != 200:
        return
    body = checks.json_of(response)
    if not isinstance(body, dict):
        return  # the active list, or no JSON: the other checks judge those
    if case.operation.path == "/v2/orders/{id}":
        field, asked = "orderId", (case.path_parameters or {}).get("id")
    elif case.operation.path == "/v2/orders":
        field, asked = "coId", (case.query or {}).get("coId")
    else:
        return
    got = body.get(field)
    if field == "orderId" and str(got).isdigit() and str(asked).isdigit():
        got, asked = int(str(got)), int(str(asked))  # a venue may read "04000000001" as a number
    assert got == asked, f"order_is_the_one_asked: asked for {field} {asked!r}, answered {got!r}"


def book_is_of_the_type_asked(ctx: CheckContext, response: Response, case: Case) -> None:
    """/v2/rates/spot/{type}: TOB answers like the spot rate (one rate, no levels), FULL and
    RAW a book of levels that says it is of that type."""
    if case.operation.path not in SPOT_PATHS[1:] or response.status_code != 200:
        return
    asked, body = (case.path_parameters or {}).get("type"), checks.json_of(response)
    if not isinstance(body, dict) or asked not in BOOK_TYPES:
        return
    name = "book_is_of_the_type_asked"
    got = body.get("type")
    if asked == "TOB":
        assert "levels" not in body, f"{name}: asked for TOB, answered a book of {got!r}"
    else:
        assert "levels" in body, f"{name}: asked for a {asked} book, answered one rate"
        assert got == asked, f"{name}: asked for a {asked} book, answered one of {got!r}"


def book_is_for_the_callers_org(ctx: CheckContext, response: Response, case: Case) -> None:
    """A rate or book asked for another org than the caller's (/v2/rates/spot/{type}/{org}) is
    refused (the spec: a 403), never answered."""
    if case.operation.path != SPOT_PATHS[2] or not 200 <= response.status_code < 300:
        return
    asked, caller = (case.path_parameters or {}).get("org"), credentials.caller().org
    assert asked == caller, (
        f"book_is_for_the_callers_org: {caller} asked for the rates of org {asked!r} and got "
        f"HTTP {response.status_code}"
    )


def book_is_best_first(ctx: CheckContext, response: Response, case: Case) -> None:
    """A book's levels are best first on each side: bids never rise, offers never fall."""
    if case.operation.path not in SPOT_PATHS or response.status_code != 200:
        return
    body = checks.json_of(response)
    levels = _levels(body) if isinstance(body, dict) else []
    name = "book_is_best_first"
    for before, after in zip(levels, levels[1:], strict=False):
        for side, sign in (("bid", 1), ("offer", -1)):  # bids fall, offers rise
            first, then = number(before.get(side)), number(after.get(side))
            if first is None or then is None:
                continue  # a wrong type: the schema check says so
            assert sign * (first - then) >= 0, (
                f"{name}: a {side} of {then} ({after.get('provider')}) follows one of "
                f"{first} ({before.get('provider')})"
            )


def times_are_epoch_milliseconds(ctx: CheckContext, response: Response, case: Case) -> None:
    """An order's `transactTime` and a rate's or book's `time` are epoch milliseconds."""
    if response.status_code != 200 and response.status_code != 202:
        return
    body = checks.json_of(response)
    timed: list[tuple[str, dict[str, Any]]] = []
    if case.operation.path in SPOT_PATHS and isinstance(body, dict):
        timed = [("time", rate) for rate in (body, *_levels(body))]
    timed += [("transactTime", order) for order in checks.orders_in(response, case)]
    name = "times_are_epoch_milliseconds"
    for field, item in timed:
        value = item.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            assert value >= EPOCH_MS_FLOOR, f"{name}: {field} {value} is not epoch milliseconds"


def booking_echoes_its_client_request_id(ctx: CheckContext, response: Response, case: Case) -> None:
    """A booked trade's 200 answers the clientRequestId the booking was sent with."""
    if case.method.upper() != "POST" or case.operation.path != "/v2/trades":
        return
    sent = case.body.get("clientRequestId") if isinstance(case.body, dict) else None
    body = checks.json_of(response)
    if response.status_code != 200 or sent is None or not isinstance(body, dict):
        return
    got = body.get("clientRequestId")
    assert got == sent, (
        f"booking_echoes_its_client_request_id: sent {sent!r}, the answer says {got!r}"
    )


def download_keeps_to_max_count(ctx: CheckContext, response: Response, case: Case) -> None:
    """A download hands out at most `maxCount` trades (published: the batch size, 50 unless
    the request says otherwise); the rest wait for the next download."""
    if case.operation.path != "/v2/trades/stp/messages" or response.status_code != 200:
        return
    asked = (case.query or {}).get("maxCount", DEFAULT_MAX_COUNT)
    body = checks.json_of(response)
    if not isinstance(body, list) or not isinstance(asked, int) or isinstance(asked, bool):
        return  # not a list: the schema check says so; a maxCount not a number is a 400
    assert len(body) <= asked, (
        f"download_keeps_to_max_count: maxCount {asked}, the download handed out {len(body)}"
    )


def _levels(body: dict[str, Any]) -> list[dict[str, Any]]:
    levels = body.get("levels")
    return [lv for lv in levels if isinstance(lv, dict)] if isinstance(levels, list) else []


def number(value: Any) -> Decimal | None:
    """A JSON number's value as Decimal; None for anything else (true, a string, null)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None
