"""One connection per process, shared by its threads and greenlets: a lock keeps each
transaction whole, and a block inside another joins it. Both engines work so."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

Handle = TypeVar("Handle")  # what a block is handed: the engine's connection or session


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

    @contextmanager
    def transaction(self) -> Iterator[Handle]:
        """BEGIN … COMMIT around the block, ROLLBACK if it raises; nested blocks join."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._handle()
                finally:
                    self._depth -= 1
                return
            self._begin()
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

    def _begin(self) -> None:
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
