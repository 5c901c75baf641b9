"""Trade download (STP messages), which consumes what it reads, resending a period, and an
order's own trades, which consumes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from urllib.parse import quote

from integral_mock.client.base import BaseClient
from integral_mock.client.errors import IntegralError, TransportError
from integral_mock.client.results import ResendResult, TradeMessage, execution_time
from integral_mock.client.retries import retryable, unprocessed

log = logging.getLogger("client")
MESSAGES = "/v2/trades/stp/messages"
DEFAULT_BATCH = 50  # Integral's documented default
# A server that does not consume what it hands out answers the same batch forever; a resend
# queued twice may repeat a batch or two, no more.
STALLED_BATCHES = 3


class TradeMethods(BaseClient):
    """getTradeMessages, resendTrades and getOrderTrades."""

    def get_trade_messages(self, max_count: int | None = None) -> list[TradeMessage]:
        """One batch of trades not downloaded before (oldest first, then resends).

        A read consumes what it answers, so a lost answer loses its trades: only failures
        the server certainly did not act on (429, 503, no connection) are retried. After any
        other failure, `resend_trades` over the period makes them downloadable again.
        """
        params = None if max_count is None else {"maxCount": str(max_count)}
        try:
            # Parsed inside: an answer that arrived but does not fit consumed its trades too.
            reply = self._call("GET", MESSAGES, params=params, retry_if=unprocessed)
            return self._parse_list(TradeMessage, reply.data)
        except IntegralError as exc:
            if retryable(exc) and not unprocessed(exc):  # the read may have happened
                exc.add_note("trades in a lost answer are consumed; resend_trades gets them back")
            raise

    trade_messages = get_trade_messages  # friendlier alias

    def download_trades(
        self,
        max_count: int = DEFAULT_BATCH,
        *,
        on_batch: Callable[[list[TradeMessage]], None] | None = None,
    ) -> list[TradeMessage]:
        """Every trade waiting: batches of `max_count` until an empty answer, as published.

        `on_batch` sees each batch as it arrives, so a caller that stores them keeps what it
        got even if a later batch fails (the error's notes say how many came before). A trade
        answered twice with the same event is kept once; three batches in a row of nothing but
        such repeats are a TransportError, as a server that does not consume answers forever.
        """
        trades: list[TradeMessage] = []
        unseen = _Unseen()
        while True:
            try:
                answered = self.get_trade_messages(max_count)
                batch = unseen.of(answered)
            except IntegralError as exc:
                if trades:
                    exc.add_note(f"{len(trades)} trades were downloaded (and consumed) before")
                raise
            if not answered:
                return trades
            if not batch:
                continue
            log.debug("downloaded %d trades", len(batch))
            if on_batch is not None:
                on_batch(batch)
            trades.extend(batch)

    def get_order_trades(self, order_id: str) -> list[TradeMessage]:
        """Every trade of order `order_id` (NotFound for an unknown id or another org's).

        A look, not a download: it consumes nothing, so it is retried like any read, and the
        download still hands each trade out once. The sandbox books an order's trade once the
        order is final with a fill; before that the list is empty.
        """
        path = f"/v2/orders/{quote(order_id, safe='')}/trades"
        return self._parse_list(TradeMessage, self._call("GET", path).data)

    def resend_trades(self, start: dt.datetime | str, end: dt.datetime | str) -> ResendResult:
        """Queue again, as `event: RESEND`, the downloaded trades whose trade date is in range.

        Aware datetimes, or strings already in `yyyy-MM-dd HH:mm:ss,SSS Z`. NotFound
        (`NO_TRADES`) when the period holds no trade downloaded before. Retried like a read:
        at worst a trade comes twice, and a consumer dedupes resent trades on `trade_id`.
        """
        body = {"startDate": _when(start), "endDate": _when(end)}
        return self._parse(
            ResendResult, self._call("POST", "/v2/trades/stp/resend", body=body).data
        )


class _Unseen:
    """What one download has not answered before: a trade with the same event comes once."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._stalled = 0  # batches in a row of nothing but repeats

    def of(self, batch: list[TradeMessage]) -> list[TradeMessage]:
        """The trades of `batch` not seen yet, now seen; TransportError once it stalls."""
        fresh = []
        for trade in batch:
            key = (trade.trade_id, trade.event.value)
            if key not in self._seen:
                self._seen.add(key)
                fresh.append(trade)
        self._stalled = self._stalled + 1 if batch and not fresh else 0
        if self._stalled == STALLED_BATCHES:
            raise TransportError(f"the download answered {self._stalled} batches of repeats")
        return fresh


def _when(moment: dt.datetime | str) -> str:
    return moment if isinstance(moment, str) else execution_time(moment)
