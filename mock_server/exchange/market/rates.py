"""The seeded price feed: a deterministic random walk per pair, and rateId issue and lookup."""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from statistics import NormalDist

from integral_mock.clock import utc
from integral_mock.store import Store


@dataclass(frozen=True)
class Pair:
    """How a pair trades: a starting mid, its decimals, spread, volatility and size ladder.

    A symbol is BASE/TERM with currencies of up to ten characters (Integral's pairs include
    metals and crypto), so the two sides are read around the slash, never by position.
    """

    symbol: str
    mid: float
    decimals: int
    spread_pips: float
    pip: float
    annual_vol: float = 0.08
    # The ladder's unit in base currency: a million for currencies, less for metal and coin.
    lot: int = 1_000_000

    @property
    def base(self) -> str:
        return self.symbol.partition("/")[0]

    @property
    def term(self) -> str:
        return self.symbol.partition("/")[2]


PAIRS = {
    p.symbol: p
    for p in (
        Pair("EUR/USD", 1.0850, 5, 0.8, 0.0001),
        Pair("USD/JPY", 151.20, 3, 1.0, 0.01, 0.10),
        Pair("GBP/USD", 1.2650, 5, 1.0, 0.0001),
        Pair("USD/CHF", 0.8830, 5, 1.2, 0.0001),
        Pair("AUD/USD", 0.6550, 5, 1.0, 0.0001, 0.10),
        Pair("USD/CAD", 1.3650, 5, 1.2, 0.0001),
        Pair("NZD/USD", 0.6050, 5, 1.5, 0.0001, 0.10),
        Pair("EUR/GBP", 0.8570, 5, 1.0, 0.0001, 0.06),
        Pair("EUR/JPY", 164.10, 3, 1.5, 0.01, 0.10),
        Pair("EUR/CHF", 0.9580, 5, 1.5, 0.0001, 0.06),
        Pair("GBP/JPY", 191.30, 3, 2.5, 0.01, 0.11),
        Pair("USD/INR", 83.30, 4, 25.0, 0.0001, 0.04),
        Pair("USD/SGD", 1.3450, 5, 2.0, 0.0001, 0.05),
        Pair("USD/HKD", 7.8150, 5, 5.0, 0.0001, 0.01),
        Pair("USD/MXN", 17.10, 5, 40.0, 0.0001, 0.14),
        Pair("XAU/USD", 2350.00, 2, 35.0, 0.01, 0.15, lot=1_000),
        Pair("BTC/USDT", 65000.00, 2, 20.0, 1.0, 0.60, lot=10),
    )
}

# Quoted sizes in lots of the base currency, as an ESP ladder shows them.
LIMITS = (1, 2, 3, 5, 10)
_MS_PER_YEAR = 365 * 24 * 3600 * 1000
# Octaves of the noise, shortest first: one second up to about 36 days.
_OCTAVES_MS = tuple(1000 * 2**k for k in range(22))
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Quote:
    """A tradable rate as issued to one org."""

    rate_id: str
    org: str
    symbol: str
    bid: Decimal
    offer: Decimal
    bid_limit: int
    offer_limit: int
    issued_ms: int
    # Set for quotes that live until a fixed time (fixed-period rates); others live for the
    # configured quote lifetime from issue.
    valid_until_ms: int | None = None

    def as_json(self) -> dict[str, object]:
        """The published spot-rate shape."""
        return {
            "symbol": self.symbol,
            "bid": float(self.bid),
            "offer": float(self.offer),
            "bidLimit": self.bid_limit,
            "offerLimit": self.offer_limit,
            "time": self.issued_ms,
            "rateId": self.rate_id,
        }


@functools.lru_cache(maxsize=1 << 16)
def _hashed_gaussian(*key: object) -> float:
    """A standard normal draw that is a pure function of `key`.

    Cached because neighbouring instants share all but their finest octaves: matching a
    resting order second by second then costs a few hashes a step instead of dozens.
    """
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    uniform = (int.from_bytes(digest, "big") + 0.5) / 2**64
    return _NORMAL.inv_cdf(uniform)


class PriceFeed:
    """Prices as a pure function of (seed, pair, time), so every reader and worker agrees.

    `seed_of` tells the current seed (the store's, which POST /__admin/seed changes); each
    price reads it once.
    """

    def __init__(self, seed_of: Callable[[], int]) -> None:
        self.seed_of = seed_of

    @staticmethod
    def _walk(seed: int, symbol: str, now_ms: int) -> float:
        """Fractal value noise: a sum of interpolated octaves scaled like Brownian motion."""
        total = 0.0
        for period in _OCTAVES_MS:
            index, offset = divmod(now_ms, period)
            left = _hashed_gaussian(seed, symbol, period, index)
            right = _hashed_gaussian(seed, symbol, period, index + 1)
            total += (left + (right - left) * offset / period) * math.sqrt(period / _MS_PER_YEAR)
        return total

    def mid(self, pair: Pair, now_ms: int, seed: int | None = None) -> float:
        seed = self.seed_of() if seed is None else seed
        return pair.mid * math.exp(pair.annual_vol * self._walk(seed, pair.symbol, now_ms))

    def top_of_book(self, pair: Pair, now_ms: int) -> tuple[Decimal, Decimal, int, int]:
        """Bid, offer and their quoted sizes at `now_ms`."""
        seed = self.seed_of()
        mid = self.mid(pair, now_ms, seed)
        second = now_ms // 1000
        wobble = 1 + 0.25 * abs(_hashed_gaussian(seed, pair.symbol, "spread", second))
        half = pair.spread_pips * pair.pip * wobble / 2
        step = Decimal(1).scaleb(-pair.decimals)
        bid = Decimal(mid - half).quantize(step, ROUND_HALF_EVEN)
        offer = max(Decimal(mid + half).quantize(step, ROUND_HALF_EVEN), bid + step)
        return bid, offer, _limit(seed, pair, "bl", second), _limit(seed, pair, "ol", second)


def _limit(seed: int, pair: Pair, side: str, second: int) -> int:
    """The size quoted on one side during one second: a seeded rung of the pair's ladder."""
    rung = int(abs(_hashed_gaussian(seed, pair.symbol, side, second)) * 2) % len(LIMITS)
    return pair.lot * LIMITS[rung]


class QuoteBook:
    """Issues rateIds for spot rates and finds them again when an order cites one."""

    def __init__(self, store: Store, feed: PriceFeed, rng: random.Random) -> None:
        self.store = store
        self.feed = feed
        self.rng = rng

    def issue(self, org: str, pair: Pair, now_ms: int) -> Quote:
        """A fresh rateId for the top of book now."""
        return self.issue_level(org, pair, now_ms, *self.feed.top_of_book(pair, now_ms))

    def issue_level(
        self,
        org: str,
        pair: Pair,
        now_ms: int,
        bid: Decimal,
        offer: Decimal,
        bid_limit: int,
        offer_limit: int,
    ) -> Quote:
        """A fresh rateId for one price level (the top of book, or a deeper one)."""
        day = utc(now_ms).strftime("%Y-%m-%d")
        inserted = 0
        while not inserted:
            # Ids are drawn, so two could meet: a repeat is drawn again.
            with self.store.transaction() as db:  # the draw and the quote: one transaction
                rate_id = f"{day}-{pair.base}{pair.term}-SPOT-{self.rng.getrandbits(40):010x}"
                prices = (str(bid), str(offer), bid_limit, offer_limit)
                sql = "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
                inserted = db.execute(sql, (rate_id, org, pair.symbol, *prices, now_ms)).rowcount
        return Quote(rate_id, org, pair.symbol, bid, offer, bid_limit, offer_limit, now_ms)

    def find(self, org: str, rate_id: str) -> Quote | None:
        """The quote `rate_id` as issued to `org`; another org's quote is not found."""
        rows = self.store.query(
            "SELECT * FROM quotes WHERE rate_id = ? AND org = ?", (rate_id, org)
        )
        if not rows:
            return None
        r = rows[0]
        return Quote(
            r["rate_id"],
            r["org"],
            r["symbol"],
            Decimal(r["bid"]),
            Decimal(r["offer"]),
            r["bid_limit"],
            r["offer_limit"],
            r["issued_ms"],
        )
