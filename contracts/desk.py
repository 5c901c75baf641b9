"""The tutorial's steps for the suite's own tests: each request sent through Schemathesis and
its answer put to every check; in-process the sandbox's clock is moved on, live time passes."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from schemathesis import Response

from integral_mock.contracts import calls, checks, credentials, rules, trade_checks, trade_dates
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


class Desk:
    """The tutorial's steps, each sent through Schemathesis and its answer put to every check."""

    def __init__(self, target: Target, login: credentials.Credentials | None = None) -> None:
        self.target = target
        self.schema = target.schema
        self.token = calls.login(self.schema, login or credentials.caller())
        self.live = target.live
        # The checks judge the caller's answers (a placement must name the caller as its
        # placer): a desk of another org is not put to them.
        self.checked = login is None

    def call(self, operation_id: str, **parts: Any) -> Response:
        case = calls.request(self.schema, operation_id, self.token, **parts)
        return case.call_and_validate() if self.checked else case.call()

    def quote(self, symbol: str = "EUR/USD") -> dict[str, Any]:
        response = self.call("getSpotRate", query={"symbol": symbol})
        assert response.status_code == 200, response.text_lossy()
        quote: dict[str, Any] = response.json()
        return quote

    def pq(self, quote: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """A PQ order buying 1000 base at the quoted offer, with `changes` applied."""
        rate_id, offer = quote["rateId"], quote["offer"]
        pq = buying(quote, type="PQ", timeInForce="FOK", price=offer, rateId=rate_id)
        return self._fresh({**pq, **changes})

    def place(self, quote: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """The PQ order of `pq`, placed: its 202 answer."""
        return self.submit(self.pq(quote, **changes))

    @contextlib.contextmanager
    def resting(self, quote: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """A Limit GTC order buying 1000 base well under the bid, placed (its 202 answer): it
        works until cancelled. If the test fails, it is cancelled: none is left resting."""
        bid = Decimal(str(quote["bid"]))
        price = float((bid * RESTING).quantize(bid))
        placed = self.submit(
            self._fresh(buying(quote, type="Limit", timeInForce="GTC", price=price))
        )
        try:
            yield placed
        except BaseException:
            self.cancel_quietly(placed["orderId"])
            raise

    def limit(
        self, quote: dict[str, Any], time_in_force: str, price: Decimal, tag: str, **more: Any
    ) -> dict[str, Any]:
        """A Limit order buying 1000 base at `price` (to the quote's precision), with the
        fields `more`, placed: its 202 answer. `tag` tells its coId from the other orders on the
        same quote."""
        price = price.quantize(Decimal(str(quote["bid"])))
        order = buying(quote, type="Limit", timeInForce=time_in_force, price=float(price), **more)
        return self.submit(self._fresh({**order, "coId": f"{order['coId']}-{tag}"}))

    def _fresh(self, order: dict[str, Any]) -> dict[str, Any]:
        """`order` under a coId of this run alone, live (in-process its quote's is fresh)."""
        if self.live:
            return {**order, "coId": rules.fresh_coid(order["coId"], live=True)}
        return order

    def submit(self, order: dict[str, Any]) -> dict[str, Any]:
        """`order` placed: its 202 answer (anything else fails the test)."""
        response = self.call("placeOrder", body=order)
        assert response.status_code == 202, response.text_lossy()
        placed: dict[str, Any] = response.json()
        return placed

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.call("getOrder", path_parameters={"id": order_id})
        assert response.status_code == 200, response.text_lossy()
        found: dict[str, Any] = response.json()
        return found

    def order_trades(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        """A final order's own trades, asked for until they deal what it filled (live they
        may lag behind its status) or the poll times out."""
        deadline = self.now_s() + self.target.settings.poll_timeout_s
        while True:
            response = self.call("getOrderTrades", path_parameters={"id": order["orderId"]})
            assert response.status_code == 200, response.text_lossy()
            trades: list[dict[str, Any]] = response.json()
            if trade_checks.dealing_at_least(order["cumQty"])(trades) or self.now_s() > deadline:
                return trades
            self.wait()

    def working(self) -> list[dict[str, Any]]:
        """The org's active orders."""
        response = self.call("queryOrders")
        assert response.status_code == 200, response.text_lossy()
        found: list[dict[str, Any]] = response.json()
        return found

    def active_ids(self) -> set[str]:
        return {o["orderId"] for o in self.working()}

    def cancel_leftovers(self) -> list[dict[str, Any]]:
        """Cancel every working order a live run of the suite placed (this run or an earlier
        one): one left resting fills some time later, in the middle of another test. Returns
        the orders that were working."""
        working = self.working()
        for order in working:
            if rules.made_by_a_live_run(order.get("coId")):
                self.cancel_quietly(order["orderId"])
        return working

    def cancel_quietly(self, order_id: str) -> None:
        # Housekeeping, not a test: unchecked, and a 400 (final meanwhile) is fine.
        calls.send(self.schema, "cancelOrder", self.token, path_parameters={"id": order_id})

    def settle(self) -> None:
        """No order of the org working any more: the suite's cancelled, the rest waited for."""
        why = "(the org's working orders must end before a test measures its position)"
        for order in self.cancel_leftovers():
            self.poll_to_final(self.order(order["orderId"]), hint=why)

    def positions(self) -> list[dict[str, Any]]:
        response = self.call("getPositions", query={"symbol": "EUR/USD"})
        assert response.status_code == 200, response.text_lossy()
        found: list[dict[str, Any]] = response.json()
        return found

    def download(self, max_count: int = DOWNLOAD_BATCH) -> list[dict[str, Any]]:
        """One download of up to `max_count` trades (each is then consumed)."""
        response = self.call("getTradeMessages", query={"maxCount": max_count})
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

    def download_until(
        self, order_id: str, enough: Callable[[trade_checks.Trades], bool] = bool
    ) -> list[dict[str, Any]]:
        """Downloads (waiting between empty ones) until order `order_id`'s trades among them are
        `enough` (at the deadline, once there are any: the checks say what is missing), then
        the rest of the queue: every trade they handed out."""
        messages: list[dict[str, Any]] = []
        deadline = self.now_s() + self.target.settings.poll_timeout_s
        while not enough(ours := trade_checks.trades_of(order_id, messages)):
            if self.now_s() >= deadline:
                assert ours, f"order {order_id}'s trade was never downloaded"
                break
            batch = self.download()
            messages += batch
            if not batch:
                self.wait()
        return messages + self.download_all()

    def resend(self, trades: trade_checks.Trades) -> Response:
        """A resend of the trade dates of `trades`, up to now at most."""
        start, end = trade_dates.resend_range(trades, self.utc_now())
        return self.call("resendTrades", body={"startDate": start, "endDate": end})

    def wait(self) -> None:
        if self.target.clock is not None:
            self.target.clock.advance(POLL_STEP_MS)
        else:
            time.sleep(LIVE_POLL_INTERVAL_S)

    def utc_now(self) -> dt.datetime:
        """The target's wall-clock time: in-process the sandbox's."""
        if self.target.clock is not None:
            return dt.datetime.fromtimestamp(self.target.clock.now_ms() / 1000, dt.UTC)
        return dt.datetime.now(dt.UTC)

    def now_s(self) -> float:
        """The target's time: in-process the sandbox's clock, so no machine is too slow for it."""
        if self.target.clock is not None:
            return self.target.clock.now_ms() / 1000
        return time.monotonic()

    def poll_to_final(self, placed: dict[str, Any], hint: str = "") -> list[dict[str, Any]]:
        """Every sighting of the order until it is final, then a few more: all must agree."""
        seen, deadline = [placed], self.now_s() + self.target.settings.poll_timeout_s
        while seen[-1]["status"] not in checks.FINAL:
            assert self.now_s() < deadline, f"not final in time: {statuses(seen)} {hint}"
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


def buying(quote: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An order buying 1000 of the quote's base currency, of the type `fields` say."""
    return {
        "coId": f"life-{quote['rateId']}",
        "side": "Buy",
        "symbol": quote["symbol"],
        "currency": quote["symbol"][:3],
        "size": 1000,
        **fields,
    }


def statuses(seen: list[dict[str, Any]]) -> list[str]:
    return [o["status"] for o in seen]
