"""The seed and the seeded random streams, kept in the store so every worker draws alike.

A stream's n-th draw is a hash of (seed, stream, n) and its position n lives in the store:
two workers never draw the same number twice, a restart carries on where the last run
stopped, and a reseed starts every stream again from its first draw.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from integral_mock.store import Store

SEED = "seed"
# One statement per draw: the stream moved on, and the seed it draws under.
_DRAW = (
    "UPDATE draws SET position = position + 1 WHERE stream = ? RETURNING position,"
    f" (SELECT value FROM sandbox_values WHERE name = '{SEED}')"
)


class Seed:
    """The venue's current seed: the config's at first, then what POST /__admin/seed set."""

    def __init__(self, store: Store, configured: int) -> None:
        self.store = store
        self.configured = configured
        store.value(SEED, configured)  # the first process to open the store sets it

    @property
    def value(self) -> int:
        return self.store.peek(SEED, self.configured)

    def reseed(self, seed: int) -> None:
        """Take `seed`, and start every stream again from its first draw."""
        with self.store.transaction(whole_venue=True) as db:  # no draw beside it, anywhere
            self.store.set_value(SEED, seed)
            db.execute("UPDATE draws SET position = 0")


def start_seed(store: Store, seed: int) -> None:
    """At `serve`'s start, before any worker: the config's seed wins over a stored one.

    The same seed as the state file's keeps the streams where they were, so a restart does
    not hand out a rateId it already issued; a new seed starts them again.
    """
    stored = Seed(store, seed)
    if stored.value != seed:
        stored.reseed(seed)


class StoredRandom(random.Random):
    """A `random.Random` whose every draw is the next position of a stored stream.

    Only `random()` and `getrandbits()` are its own; `randint`, `lognormvariate` and the rest
    are Random's, built on these two, so they draw from the stream too.
    """

    def __init__(self, store: Store, stream: str, seed: Seed) -> None:
        self.store = store
        self.stream = stream
        self.seed_of = seed
        super().__init__()
        with store.transaction() as db:
            db.execute("INSERT INTO draws VALUES (?, 0) ON CONFLICT DO NOTHING", (stream,))

    def seed(self, *args: Any, **kwargs: Any) -> None:
        """Seeding is the store's (Seed.reseed); Random's own constructor calls this."""

    def _next(self) -> int:
        """64 fresh bits: the hash of (seed, stream, position), the position moved on."""
        with self.store.transaction() as db:  # the stream's row: made in __init__, never reset
            position, seed = db.execute(_DRAW, (self.stream,)).fetchone()
        key = f"{seed}:{self.stream}:{position}".encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")

    def random(self) -> float:
        return (self._next() >> 11) * (1.0 / (1 << 53))

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        bits, have = 0, 0
        while have < k:
            bits, have = (bits << 64) | self._next(), have + 64
        return bits >> (have - k)

    def getstate(self) -> Any:
        raise NotImplementedError("a stored stream's state is its position in the store")

    def setstate(self, state: Any) -> None:
        raise NotImplementedError("a stored stream's state is its position in the store")
