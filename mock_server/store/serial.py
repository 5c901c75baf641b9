"""One connection per process, shared by its threads and greenlets: a lock keeps each
transaction whole, and a block inside another joins it. Both engines work so."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Generic, TypeVar

Handle = TypeVar("Handle")  # what a block is handed: the engine's connection or session
# A named value moved on: parameters (name, its value if new, what to add), the new value
# returned. One upsert on both engines (Store.add_value, and the numbers of insert_numbered).
ADD_TO_VALUE = (
    "INSERT INTO sandbox_values VALUES (?, ?) ON CONFLICT (name)"
    " DO UPDATE SET value = sandbox_values.value + ? RETURNING value"
)


class SerialConnection(Generic[Handle]):
    """Transactions one after another on the engine's one connection.

    One connection, not one per thread or greenlet: SQLite's ':memory:' databases are per
    connection, and on PostgreSQL more connections per worker were measured slower (a
    transaction holding a hot row's lock waits behind its worker's other greenlets while
    their transactions queue on that row; bench/README.md, "Replicas on PostgreSQL").
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0  # transactions open on the connection (read and written under _lock)

    def preparing(self) -> AbstractContextManager[None]:
        """Around the DDL of the sandbox's tables: what the engine's refusals become."""
        return nullcontext()

    @contextmanager
    def transaction(self, *, whole_venue: bool = False) -> Iterator[Handle]:
        """BEGIN … COMMIT around the block, ROLLBACK if it raises; nested blocks join.

        `whole_venue`: no other transaction, of any process or host, runs beside this one (a
        reset, a reseed); the outermost block says so.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._handle()
                finally:
                    self._depth -= 1
                return
            try:
                self._begin(whole_venue)
            except BaseException:  # BEGIN ran, its lock wait failed: never stay inside
                self._rollback()
                raise
            self._depth = 1
            try:
                yield self._handle()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0
            try:
                self._commit()
            except BaseException:  # never leave the connection inside a transaction
                self._rollback()
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of one statement: in the open transaction, else a transaction of its own."""
        with self._lock:
            return self._rows(sql, params, inside=bool(self._depth))

    def timed(self, sql: str) -> tuple[int, int, int]:
        """(the one value a statement returns, time.time_ns() before it, and after it),
        timed inside the lock: what another transaction makes it wait is not counted."""
        with self._lock:
            before = time.time_ns()
            rows = self._rows(sql, (), inside=bool(self._depth))
            return int(rows[0][0]), before, time.time_ns()

    def serialize(self, name: str) -> None:
        """Be the only one holding `name` until the transaction ends (the engine's lock)."""
        assert self._depth, "serialize() belongs inside a transaction"
        self._hold(name)

    def close(self) -> None:
        with self._lock:
            self._close()

    # What each engine supplies.
    def _handle(self) -> Handle:
        raise NotImplementedError

    def _begin(self, whole_venue: bool) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence[Any], *, inside: bool) -> list[Any]:
        raise NotImplementedError

    def _hold(self, name: str) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError
