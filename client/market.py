"""Market data operations: spot rate, books by type, market data sets, fixed-period rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from integral_mock.client.base import BaseClient
from integral_mock.client.enums import BookType, MarketDataSetId
from integral_mock.client.errors import TransportError
from integral_mock.client.models import SpotRate
from integral_mock.client.results import MarketDataSet, SpotBook
from integral_mock.client.transport import same

SPOT = "/v2/rates/spot"


class MarketDataMethods(BaseClient):
    """getSpotRate, getSpotRateByType(ForOrg) and getMarketDataSets; reads, so retried."""

    def get_spot_rate(self, symbol: str) -> SpotRate:
        """Top of book for `symbol` (`EUR/USD`), with a `rate_id` tradable by a PQ order."""
        rate = self._parse(SpotRate, self._call("GET", SPOT, params={"symbol": symbol}).data)
        # trade_pq orders the rate's symbol: another pair's rate would trade the wrong pair.
        _same_symbol(rate.symbol, symbol)
        return rate

    spot_rate = get_spot_rate  # friendlier alias

    def get_spot_rate_by_type(
        self, book_type: BookType | str, symbol: str, *, org: str | None = None
    ) -> SpotRate | SpotBook:
        """TOB answers a SpotRate; FULL and RAW a SpotBook of provider levels, best first.

        With `org` (which must be the caller's own) it calls getSpotRateByTypeForOrg.
        """
        kind = BookType(book_type)
        if kind is BookType.TOB:
            rate = self._parse(SpotRate, self._by_type(kind, symbol, org))
            _same_symbol(rate.symbol, symbol)
            return rate
        return self.spot_book(symbol, kind, org=org)

    spot_rate_by_type = get_spot_rate_by_type  # friendlier alias

    def spot_book(
        self, symbol: str, book_type: BookType | str = BookType.FULL, *, org: str | None = None
    ) -> SpotBook:
        """The FULL (or RAW) book for `symbol`; each level's `rate_id` is tradable by PQ."""
        kind = BookType(book_type)
        if kind is BookType.TOB:
            raise ValueError("TOB is not a book; use get_spot_rate or get_spot_rate_by_type")
        book = self._parse(SpotBook, self._by_type(kind, symbol, org))
        _same_symbol(book.symbol, symbol)
        same("book type", book.type, kind)
        for level in book.levels:
            _same_symbol(level.symbol, symbol)
        return book

    def _by_type(self, kind: BookType, symbol: str, org: str | None) -> Any:
        path = f"{SPOT}/{kind.value}" + ("" if org is None else f"/{quote(org, safe='')}")
        return self._call("GET", path, params={"symbol": symbol}).data

    def get_market_data_sets(
        self,
        *,
        set_id: MarketDataSetId | str | None = None,
        symbols: str | Sequence[str] | None = None,
        date: dt.date | str | None = None,
        time_window: str | None = None,
        tenor: str | None = None,
        org: str | None = None,
    ) -> list[MarketDataSet]:
        """getMarketDataSets: the regular and fixed-period sets, or the one `set_id` names.

        `symbols` is one pair or several; `date` and `time_window` (any `HHmm-HHmm`, such as
        `1500-1700`) pick a fixed period, by default the one running now on the server's
        clock; `date` alone picks an end-of-day set's day; `tenor="1W"` asks a regular set
        for one-week outright rates.
        """
        params: dict[str, str] = {}
        if set_id is not None:
            params["id"] = MarketDataSetId(set_id).value
        if isinstance(symbols, str):
            params["symbol"] = symbols
        elif symbols is not None:
            params["symbols"] = ",".join(symbols)
        if date is not None:
            params["date"] = date.isoformat() if isinstance(date, dt.date) else date
        for name, value in (("timeWindow", time_window), ("tenor", tenor), ("org", org)):
            if value is not None:
                params[name] = value
        return self._parse_list(
            MarketDataSet, self._call("GET", "/marketdataset", params=params).data
        )

    market_data_sets = get_market_data_sets  # friendlier alias

    def fixed_period_rate(
        self, symbol: str, *, date: dt.date | str | None = None, time_window: str | None = None
    ) -> SpotRate:
        """The fixed-period (4HProduct) rate for `symbol`, tradable by PQ inside its window."""
        sets = self.get_market_data_sets(
            set_id=MarketDataSetId.FIXED_PERIOD, symbols=symbol, date=date, time_window=time_window
        )
        if len(sets) != 1:
            raise TransportError(f"asked for one fixed-period set, got {len(sets)}")
        try:
            return sets[0].rate(symbol)
        except LookupError as exc:  # an answer without what was asked for, like the check above
            raise TransportError(str(exc)) from None


def _same_symbol(got: str, asked: str) -> None:
    # Case aside: a server may well answer `EUR/USD` to `eur/usd`.
    same("symbol", got.upper(), asked.upper())
