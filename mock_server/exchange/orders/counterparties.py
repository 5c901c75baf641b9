"""Counterparty names on fills: Faker company names, the same for an order id and seed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from faker import Faker

# Names kept for reuse: a page of /__admin/orders or a download reads the same orders again,
# and one Faker name costs about as much as the rest of rendering the order.
_KEPT = 4096


class Counterparties:
    """Names the counterparty of each filled order, reproducibly by (seed, order id)."""

    def __init__(self, seed_of: Callable[[], int]) -> None:
        self.seed_of = seed_of  # the current seed (the store's)
        self._faker = Faker()
        self._lock = threading.Lock()  # one Faker instance, reseeded per name
        self._kept: OrderedDict[tuple[int, int], str] = OrderedDict()

    def name(self, order_id: int) -> str:
        seed = self.seed_of()
        key = (seed, order_id)  # a pure function of these two: a kept name never goes stale
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            self._faker.seed_instance(seed * 1_000_003 + order_id)
            name = self._kept[key] = str(self._faker.company())
            if len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
            return name
