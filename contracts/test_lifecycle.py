"""Orders driven to a final status: in-process by moving the clock on, live by polling in time."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from schemathesis import Response

from integral_mock.contracts import calls, checks, credentials, position_checks, trade_checks
from integral_mock.contracts.target import Target

# In-process, each poll moves the clock on by this much (plus the 20 ms every request takes),
# small enough to catch the order in each status on its way.
POLL_STEP_MS = 50
LIVE_POLL_INTERVAL_S = 0.25
POLLS_AFTER_FINAL = 3
# A Limit buy this far under the bid rests: no market moves 2% while a test runs.
RESTING = Decimal("0.98")
# Downloads of up to this many trades, at most this many in a row before the queue is empty.
DOWNLOAD_BATCH, MAX_DOWNLOADS = 1000, 50
EXECUTION_TIME = "%Y-%m-%d %H:%M:%S,%f %z"


class Desk:
    """The tutorial's steps, each sent through Schemathesis and its answer put to every check."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.schema = target.schema
        self.token = calls.login(self.schema, credentials.caller())

    def call(self, operation_id: str, **parts: Any) -> Response:
        case = calls.request(self.schema, operation_id, self.token, **parts)
        return case.call_and_validate()

    def quote(self, symbol: str = "EUR/USD") -> dict[str, Any]:
        response = self.call("getSpotRate", query={"symbol": symbol})
        assert response.status_code == 200, response.text_lossy()
        quote: dict[str, Any] = response.json()
        return quote

    def place(self, quote: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """A PQ order buying 1000 base at the quoted offer, with `changes` applied."""
        rate_id, offer = quote["rateId"], quote["offer"]
        pq = _buying(quote, type="PQ", timeInForce="FOK", price=offer, rateId=rate_id)
        return self._placed({**pq, **changes})

    def rest(self, quote: dict[str, Any]) -> dict[str, Any]:
        """A Limit GTC order buying 1000 base well under the bid: it works until cancelled."""
        bid = Decimal(str(quote["bid"]))
        price = float((bid * RESTING).quantize(bid))
        return self._placed(_buying(quote, type="Limit", timeInForce="GTC", price=price))

    def _placed(self, order: dict[str, Any]) -> dict[str, Any]:
        response = self.call("placeOrder", body=order)
        assert response.status_code == 202, response.text_lossy()
        placed: dict[str, Any] = response.json()
        return placed

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.call("getOrder", path_parameters={"id": order_id})
        assert response.status_code == 200, response.text_lossy()
        found: dict[str, Any] = response.json()
        return found

    def active_ids(self) -> set[str]:
        response = self.call("queryOrders")
        assert response.status_code == 200, response.text_lossy()
        return {o["orderId"] for o in response.json()}

    def positions(self) -> list[dict[str, Any]]:
        response = self.call("getPositions", query={"symbol": "EUR/USD"})
        assert response.status_code == 200, response.text_lossy()
        found: list[dict[str, Any]] = response.json()
        return found

    def download(self) -> list[dict[str, Any]]:
        """One download of trades (each is then consumed)."""
        response = self.call("getTradeMessages", query={"maxCount": DOWNLOAD_BATCH})
        assert response.status_code == 200, response.text_lossy()
        found: list[dict[str, Any]] = response.json()
        return found

    def download_all(self) -> list[dict[str, Any]]:
        """Downloads until one answers empty, as Integral tells clients to poll."""
        messages: list[dict[str, Any]] = []
        for _ in range(MAX_DOWNLOADS):
            batch = self.download()
            if not batch:
                return messages
            messages += batch
        raise AssertionError(
            f"trades_are_consumed: still trades to download after {MAX_DOWNLOADS} downloads of"
            f" up to {DOWNLOAD_BATCH}; a download must consume the trades it returns"
        )

    def download_until(self, order_id: str) -> list[dict[str, Any]]:
        """Downloads (waiting between empty ones) until order `order_id`'s trade is among them,
        then the rest of the queue: every trade they handed out."""
        messages: list[dict[str, Any]] = []
        deadline = self.now_s() + self.target.settings.poll_timeout_s
        while not trade_checks.trades_of(order_id, messages):
            assert self.now_s() < deadline, f"order {order_id}'s trade was never downloaded"
            batch = self.download()
            messages += batch
            if not batch:
                self.wait()
        return messages + self.download_all()

    def wait(self) -> None:
        if self.target.clock is not None:
            self.target.clock.advance(POLL_STEP_MS)
        else:
            time.sleep(LIVE_POLL_INTERVAL_S)

    def now_s(self) -> float:
        """The target's time: in-process the sandbox's clock, so no machine is too slow for it."""
        if self.target.clock is not None:
            return self.target.clock.now_ms() / 1000
        return time.monotonic()

    def poll_to_final(self, placed: dict[str, Any]) -> list[dict[str, Any]]:
        """Every sighting of the order until it is final, then a few more: all must agree."""
        seen, deadline = [placed], self.now_s() + self.target.settings.poll_timeout_s
        while seen[-1]["status"] not in checks.FINAL:
            assert self.now_s() < deadline, f"not final in time: {_statuses(seen)}"
            self.wait()
            seen.append(self.order(placed["orderId"]))
        for _ in range(POLLS_AFTER_FINAL):
            self.wait()
            seen.append(self.order(placed["orderId"]))
        for before, after in zip(seen, seen[1:], strict=False):
            checks.status_never_moves_backwards(
                placed["orderId"], before["status"], after["status"]
            )
        return seen


@pytest.fixture
def desk(contract_target: Target) -> Desk:
    return Desk(contract_target)


def test_order_at_the_quote_is_received_then_filled_and_stays_filled(desk: Desk) -> None:
    quote = desk.quote()
    placed = desk.place(quote)
    assert placed["status"] == checks.RECEIVED
    seen = desk.poll_to_final(placed)
    assert seen[-1]["status"] == checks.FILLED, _statuses(seen)
    if desk.target.clock is not None:
        # The manual clock steps slower than the sandbox's delays, so the working stage shows.
        assert checks.NEW in _statuses(seen), _statuses(seen)
    filled = seen[-1]
    assert Decimal(str(filled["cumQty"])) == Decimal(str(placed["size"]))
    assert Decimal(str(filled["averagePrice"])) == Decimal(str(quote["offer"]))


def test_order_off_the_quote_is_rejected_with_a_reason_at_http_200(desk: Desk) -> None:
    quote = desk.quote()
    off_price = float(Decimal(str(quote["offer"])) * 2)
    seen = desk.poll_to_final(desk.place(quote, price=off_price))
    assert seen[-1]["status"] == checks.REJECTED, _statuses(seen)
    assert seen[-1]["reason"], seen[-1]


def test_active_orders_list_an_order_until_it_is_final(desk: Desk) -> None:
    placed = desk.place(desk.quote())
    if desk.target.clock is not None:
        # Only in-process is the order surely still working; a live venue may fill it at once.
        assert placed["orderId"] in desk.active_ids()
    desk.poll_to_final(placed)
    assert placed["orderId"] not in desk.active_ids()


def test_order_cancelled_while_working_ends_cancelled_and_leaves_the_active_list(
    desk: Desk,
) -> None:
    # A resting order, not a PQ one: a live venue fills a PQ order before any cancel arrives.
    placed = desk.rest(desk.quote())
    assert placed["orderId"] in desk.active_ids()
    cancel = desk.call("cancelOrder", path_parameters={"id": placed["orderId"]})
    assert cancel.status_code == 202, cancel.text_lossy()
    seen = desk.poll_to_final(placed)
    assert seen[-1]["status"] == checks.CANCELLED, _statuses(seen)
    assert seen[-1]["reason"], seen[-1]
    assert placed["orderId"] not in desk.active_ids()


def test_another_org_cannot_see_the_order(desk: Desk) -> None:
    other = credentials.other_org()
    if other is None:
        pytest.skip("INTEGRAL_OTHER_USER is empty: no second org to ask")
    placed = desk.place(desk.quote())
    token = calls.login(desk.schema, other)
    checks.other_org_cannot_see_order(placed, *calls.look_everywhere(desk.schema, token, placed))


def test_a_fill_moves_the_position_by_what_it_filled(desk: Desk) -> None:
    for order_id in desk.active_ids():  # earlier orders settle first: only ours may move it
        desk.poll_to_final(desk.order(order_id))
    before = desk.positions()
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, _statuses(seen)
    position_checks.position_moves_with_fill(before, desk.positions(), seen[-1])


def test_a_fill_is_downloaded_once_and_again_as_resend_after_a_resend_of_its_day(
    desk: Desk,
) -> None:
    desk.download_all()  # what earlier tests (or the org's other clients) left in the queue
    seen = desk.poll_to_final(desk.place(desk.quote()))
    assert seen[-1]["status"] == checks.FILLED, _statuses(seen)
    order_id = seen[-1]["orderId"]
    first = desk.download_until(order_id)
    trade = trade_checks.filled_order_is_downloaded_once_as_new(
        order_id, first, desk.download_all()
    )
    start, end = _days_around(trade["executionTime"])
    resent = desk.call("resendTrades", body={"startDate": start, "endDate": end})
    assert resent.status_code == 200, resent.text_lossy()
    trade_checks.resent_trade_comes_back_as_resend(trade, desk.download_until(order_id))


def _days_around(execution_time: str) -> tuple[str, str]:
    """A range from the day before the trade's execution to the day after, in the published
    `yyyy-MM-dd HH:mm:ss,SSS Z`: whatever zone a venue dates its trades in, the trade date is
    inside."""
    day = dt.datetime.strptime(execution_time, EXECUTION_TIME).date()
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    return f"{before} 00:00:00,000 +0000", f"{after} 23:59:59,999 +0000"


def _buying(quote: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An order buying 1000 of the quote's base currency, of the type `fields` say."""
    return {
        "coId": f"life-{quote['rateId']}",
        "side": "Buy",
        "symbol": quote["symbol"],
        "currency": quote["symbol"][:3],
        "size": 1000,
        **fields,
    }


def _statuses(seen: list[dict[str, Any]]) -> list[str]:
    return [o["status"] for o in seen]
