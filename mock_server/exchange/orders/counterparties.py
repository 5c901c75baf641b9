"""Counterparty names on fills: Faker company names, the same for an order id and seed."""

from __future__ import annotations

import threading
from collections.abc import Callable

from faker import Faker


class Counterparties:
    """Names the counterparty of each filled order, reproducibly by (seed, order id)."""

    def __init__(self, seed_of: Callable[[], int]) -> None:
        self.seed_of = seed_of  # the current seed (the store's)
        self._faker = Faker()
        self._lock = threading.Lock()  # one Faker instance, reseeded per name

    def name(self, order_id: int) -> str:
        seed = self.seed_of()
        with self._lock:
            self._faker.seed_instance(seed * 1_000_003 + order_id)
            return str(self._faker.company())
