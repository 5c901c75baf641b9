"""The PostgreSQL engine: replicas on several hosts share one database through psycopg 3."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from contextlib import AbstractContextManager, suppress
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import pq
from sqlalchemy.dialects import postgresql

from integral_mock.store.postgres_session import (
    Connection,
    Session,
    connect,
    redacted,
    refusals_are_store_errors,
)
from integral_mock.store.serial import ADD_TO_VALUE, SerialConnection

# The venue lock's key (pg_advisory_xact_lock): any fixed 64-bit number; these are "venue".
_VENUE_LOCK = int.from_bytes(b"venue\0\0\0", "big", signed=True)


class PostgresEngine(SerialConnection[Session]):
    """One connection per process, at READ COMMITTED; check-and-write steps lock their rows.

    Writers do not wait for each other as SQLite's do: the steps that read and then write
    take row locks (`for_update`) or a transaction-scoped advisory lock (`serialize`), which
    the database releases at COMMIT or ROLLBACK, on any host.
    `private`: a schema of its own, dropped on close (tests; `serve --ephemeral`).
    """

    name = "postgresql"
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # for the DDL only
    for_update = " FOR UPDATE"
    conflicts: tuple[type[Exception], ...] = (psycopg.IntegrityError,)

    def __init__(self, url: str, *, private: bool = False) -> None:
        super().__init__()
        self.url = url
        connection = connect(url)
        try:
            with refusals_are_store_errors(f"{redacted(url)} refused a schema of its own"):
                self.schema = _create_schema(connection) if private else None
                if self.schema:
                    connection.execute(f"SET search_path TO {self.schema}")
        except BaseException:
            connection.close()
            raise
        self.session = Session(connection)

    def preparing(self) -> AbstractContextManager[None]:
        """Around the DDL of the sandbox's tables (store.migrations)."""
        return refusals_are_store_errors(f"{self.describe()} refused the sandbox's tables")

    @staticmethod
    def index_hint(index: str) -> str:
        """SQL after a table name that makes the planner read `index`."""
        return ""  # its planner reads the statistics; there is no hint syntax

    def describe(self) -> str:
        return redacted(self.url) + (f" (schema {self.schema})" if self.schema else "")

    def columns(self, table: str) -> set[str] | None:
        rows = self.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return {row[0] for row in rows} or None

    def insert_numbered(self, counter: str, table: str, key: str, values: Sequence[Any]) -> int:
        """Insert (the counter's next value, *values) into `table`; that value. One statement,
        so the counter's row is locked only while it runs, and rows become visible in the
        order of their numbers (a transaction around two statements held the counter's row
        across round trips, and every request of every replica queued on it)."""
        marks = ", ".join("?" * len(values))
        insert = f"INSERT INTO {table} SELECT value, {marks} FROM n RETURNING {key}"
        numbered = f"WITH n AS ({ADD_TO_VALUE}) {insert}"
        return int(self.query(numbered, (counter, 1, 1, *values))[0][0])

    def _handle(self) -> Session:
        return self.session

    def _begin(self, whole_venue: bool) -> None:
        """BEGIN, and the venue lock in the same round trip: shared by every transaction,
        whole for a reset or a reseed, which so never runs beside another transaction (of
        any host) and never deadlocks with one that locks rows in another order."""
        self._reconnect_if_lost()
        kind = "" if whole_venue else "_shared"
        self.session.execute(f"BEGIN; SELECT pg_advisory_xact_lock{kind}({_VENUE_LOCK})")

    def _commit(self) -> None:
        self.session.execute("COMMIT")

    def _rollback(self) -> None:
        connection = self.session.connection
        if connection.broken:
            return  # the server rolled back what the lost connection had begun
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            with suppress(psycopg.OperationalError):  # lost now: the server rolls it back
                connection.execute("ROLLBACK")

    def _rows(self, sql: str, params: Sequence[Any], *, inside: bool) -> list[Any]:
        if not inside:  # inside a transaction, a lost connection lost the transaction too
            self._reconnect_if_lost()
        return _rows_of(self.session.execute(sql, params))

    def _hold(self, name: str) -> None:
        """`name`'s advisory lock, until this transaction ends (any host waits for it)."""
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)
        self.session.execute("SELECT pg_advisory_xact_lock(?)", (key,))

    def _close(self) -> None:
        connection = self.session.connection
        if connection.closed:
            return
        if self.schema and not connection.broken:
            with suppress(psycopg.OperationalError):
                connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        connection.close()

    def _reconnect_if_lost(self) -> None:
        """A server restart or a dropped link costs the requests in flight, not every later one."""
        connection = self.session.connection
        if connection.broken or connection.closed:
            self.session = Session(connect(self.url, self.schema))


def _rows_of(cursor: psycopg.Cursor[Any]) -> list[Any]:
    """Its rows; none for a statement that returns none (an INSERT without RETURNING)."""
    return cursor.fetchall() if cursor.description is not None else []


def _create_schema(connection: Connection) -> str:
    schema = f"integral_mock_{secrets.token_hex(6)}"
    connection.execute(f"CREATE SCHEMA {schema}")
    return schema


def create_private_schema(url: str) -> tuple[str, str]:
    """A new schema in the database at `url`: (a URL whose sessions use it, its name).

    For `serve --ephemeral`: every worker connects with the URL; the master drops it.
    """
    with connect(url) as connection, refusals_are_store_errors(f"{redacted(url)} refused a schema"):
        schema = _create_schema(connection)
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    options = dict(parse_qsl(parts.query)).get("options", "")
    query.append(("options", f"{options} -c search_path={schema}".strip()))
    # quote, not quote_plus: libpq reads a '+' in a URI as a plus, never as a space.
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote))), schema


def drop_private_schema(url: str, schema: str) -> None:
    with connect(url) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
