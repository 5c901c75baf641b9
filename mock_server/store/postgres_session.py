"""PostgreSQL sessions: statements in the qmark style on one psycopg 3 connection, rows by name."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import sqlparams
from psycopg.rows import RowMaker

from integral_mock.store.failures import StoreError, StoreUnavailable

Connection = psycopg.Connection["Row"]

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

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Row]:
        with _out_of_reach_is_unavailable():
            if not parameters:
                return self.connection.execute(sql)
            return self.connection.execute(_native(sql, len(parameters)), parameters)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> psycopg.Cursor[Row]:
        batch = list(parameters)
        with _out_of_reach_is_unavailable():
            cursor = self.connection.cursor()
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


@contextmanager
def refusals_are_store_errors(doing: str) -> Iterator[None]:
    """While the sandbox sets up its schema and tables: the server refusing it (no privilege
    to create them, a name taken by another kind of object) is a StoreError, which `serve`
    prints in one line, never a traceback."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(f"{doing}: {_one_line(exc)}") from None
    except psycopg.Error as exc:
        raise StoreError(f"{doing}: {_one_line(exc)}") from None


# How long to wait, so that one stuck replica (a host cut off inside a transaction) cannot
# stall the others, nor a dead server a worker: connecting; noticing a silent peer (TCP
# keepalives); a row or advisory lock another session holds; and a session idle inside a
# transaction (the server ends it, and its locks go). What the URL sets itself wins.
CONNECTING = {"connect_timeout": "10", "keepalives": "1", "keepalives_idle": "10",
              "keepalives_interval": "5", "keepalives_count": "3"}  # fmt: skip
SESSION = "SET lock_timeout = '15s'; SET idle_in_transaction_session_timeout = '60s'"


def connect(url: str, schema: str | None = None) -> Connection:
    """A new autocommit connection (its sessions in `schema`, if given); StoreUnavailable if
    the server cannot be reached, StoreError if the URL is not one."""
    try:
        given = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error as exc:
        raise StoreError(f"database URL {_scheme_only(url)} is not one: {_one_line(exc)}") from None
    extra = {k: v for k, v in CONNECTING.items() if k not in given}
    try:
        conninfo = psycopg.conninfo.make_conninfo(url, **extra)
        connection = psycopg.connect(conninfo, autocommit=True, row_factory=_rows)
        path = f"; SET search_path TO {schema}" if schema else ""
        connection.execute(SESSION + path)
        return connection
    except psycopg.Error as exc:
        raise StoreUnavailable(f"cannot connect to {redacted(url)}: {_one_line(exc)}") from None


def _one_line(exc: Exception) -> str:
    """libpq's message, its hint lines joined: `serve` says what went wrong in one line."""
    return " ".join(str(exc).split())


def _scheme_only(url: str) -> str:
    return url.split("://", 1)[0] + "://…" if "://" in url else "(not a URL)"


def redacted(url: str) -> str:
    """The URL without its password: it goes into banners, logs and error messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:  # not one libpq reads: say no more than its scheme
        return _scheme_only(url)
    if "password" not in info:
        return url
    host = info.get("host", "")
    user = info.get("user", "")
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}:***@{host}{port}/{info.get('dbname', '')}"
