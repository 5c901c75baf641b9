"""The PostgreSQL engine: replicas on several hosts share one database through psycopg 3."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
import sqlparams
from psycopg import pq
from psycopg.rows import RowMaker
from sqlalchemy.dialects import postgresql

from integral_mock.store.failures import StoreUnavailable

# The domain writes its statements once, in the qmark style of Python's sqlite3; sqlparams
# (a parser that knows string literals and comments) renders them in psycopg's style.
_STYLE = sqlparams.SQLParams("qmark", "format")


@functools.lru_cache(maxsize=4096)
def _native(sql: str, count: int) -> str:
    rendered: str = _STYLE.format(sql, [None] * count)[0]
    return rendered


class Row:
    """A result row read by column name or by position, as sqlite3.Row is."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return functools.partial(Row, names)


class Session:
    """What a transaction's block is handed: execute and executemany, in the qmark style."""

    def __init__(self, engine: PostgresEngine) -> None:
        self._engine = engine

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Row]:
        with _out_of_reach_is_unavailable():
            if not parameters:
                return self._engine.connection.execute(sql)
            return self._engine.connection.execute(_native(sql, len(parameters)), parameters)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> psycopg.Cursor[Row]:
        batch = list(parameters)
        with _out_of_reach_is_unavailable():
            cursor = self._engine.connection.cursor()
            if batch:
                cursor.executemany(_native(sql, len(batch[0])), batch)
            return cursor


@contextmanager
def _out_of_reach_is_unavailable() -> Iterator[None]:
    """A lost connection, a server shutting down, a deadlock: StoreUnavailable, which the
    surface answers as 503 with Retry-After (plumbing.py), never as a stack trace."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(_one_line(exc)) from exc


class PostgresEngine:
    """One connection per process, at READ COMMITTED; check-and-write steps lock their rows.

    Writers do not wait for each other as SQLite's do: the steps that read and then write
    take row locks (`for_update`) or a transaction-scoped advisory lock
    (`serialize`), which the database releases at COMMIT or ROLLBACK, on any host.
    `private`: a schema of its own, dropped on close (tests; `serve --ephemeral`).
    """

    name = "postgresql"
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # for the DDL only
    for_update = " FOR UPDATE"
    conflicts: tuple[type[Exception], ...] = (psycopg.IntegrityError,)

    def __init__(self, url: str, *, private: bool = False) -> None:
        self.url = url
        self._in_transaction = False
        self.connection = _connect(url)
        self.database = Session(self)
        self.schema = _create_schema(self.connection) if private else None
        if self.schema:
            self._use_schema()

    def _use_schema(self) -> None:
        self.connection.execute(f"SET search_path TO {self.schema}")

    @staticmethod
    def index_hint(index: str) -> str:
        """SQL after a table name that makes the planner read `index`."""
        return ""  # its planner reads the statistics; there is no hint syntax

    def describe(self) -> str:
        return redacted(self.url) + (f" (schema {self.schema})" if self.schema else "")

    def begin(self) -> None:
        self._reconnect_if_lost()
        self.database.execute("BEGIN")
        self._in_transaction = True

    def commit(self) -> None:
        self._in_transaction = False
        self.database.execute("COMMIT")

    def rollback(self) -> None:
        self._in_transaction = False
        if self.connection.broken:
            return  # the server rolled back what the lost connection had begun
        if self.connection.info.transaction_status != pq.TransactionStatus.IDLE:
            with suppress(psycopg.OperationalError):  # lost now: the server rolls it back
                self.connection.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[Any]) -> list[Any]:
        if not self._in_transaction:  # inside one, a lost connection lost the transaction
            self._reconnect_if_lost()
        return self.database.execute(sql, params).fetchall()

    def serialize(self, name: str) -> None:
        """Hold `name`'s advisory lock until this transaction ends (any host waits for it)."""
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)
        self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def columns(self, table: str) -> set[str] | None:
        rows = self.database.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        ).fetchall()
        return {row[0] for row in rows} or None

    def close(self) -> None:
        if self.connection.closed:
            return
        if self.schema and not self.connection.broken:
            self.connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        self.connection.close()

    def _reconnect_if_lost(self) -> None:
        """A server restart or a dropped link costs the requests in flight, not every later one."""
        if self.connection.broken or self.connection.closed:
            self.connection = _connect(self.url)
            if self.schema:
                self._use_schema()


def _connect(url: str) -> psycopg.Connection[Row]:
    try:
        return psycopg.connect(url, autocommit=True, row_factory=_rows)
    except psycopg.Error as exc:
        raise StoreUnavailable(f"cannot connect to {redacted(url)}: {_one_line(exc)}") from None


def _create_schema(connection: psycopg.Connection[Any]) -> str:
    schema = f"integral_mock_{secrets.token_hex(6)}"
    connection.execute(f"CREATE SCHEMA {schema}")
    return schema


def create_private_schema(url: str) -> tuple[str, str]:
    """A new schema in the database at `url`: (a URL whose sessions use it, its name).

    For `serve --ephemeral`: every worker connects with the URL; the master drops it.
    """
    with _connect(url) as connection:
        schema = _create_schema(connection)
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    options = dict(parse_qsl(parts.query)).get("options", "")
    query.append(("options", f"{options} -c search_path={schema}".strip()))
    # quote, not quote_plus: libpq reads a '+' in a URI as a plus, never as a space.
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote))), schema


def drop_private_schema(url: str, schema: str) -> None:
    with _connect(url) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _one_line(exc: Exception) -> str:
    """libpq's message, its hint lines joined: `serve` says what went wrong in one line."""
    return " ".join(str(exc).split())


def redacted(url: str) -> str:
    """The URL without its password: it goes into banners, logs and error messages."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if "password" not in info:
        return url
    host = info.get("host", "")
    user = info.get("user", "")
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}:***@{host}{port}/{info.get('dbname', '')}"
