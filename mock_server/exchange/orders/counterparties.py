"""Counterparty names on fills: Faker company names, the same for an order id and seed."""

from __future__ import annotations

import threading

from faker import Faker


class Counterparties:
    """Names the counterparty of each filled order, reproducibly by (seed, order id)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._faker = Faker()
        self._lock = threading.Lock()  # one Faker instance, reseeded per name

    def reseed(self, seed: int) -> None:
        self.seed = seed

    def name(self, order_id: int) -> str:
        with self._lock:
            self._faker.seed_instance(self.seed * 1_000_003 + order_id)
            return str(self._faker.company())
