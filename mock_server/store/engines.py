"""Which engine a database URL names: SQLite (a path, `sqlite:///path`) or PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from integral_mock.store.failures import StoreError
from integral_mock.store.sqlite import SqliteEngine

if TYPE_CHECKING:
    from integral_mock.store.postgres import PostgresEngine

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
IN_MEMORY = ("", ":memory:", "sqlite://", "sqlite:///:memory:")
Engine: TypeAlias = "SqliteEngine | PostgresEngine"


def is_postgres(database: str) -> bool:
    return database.startswith(POSTGRES_SCHEMES)


def sqlite_path(database: str) -> str:
    """The file a SQLite location names (`sqlite:///relative`, `sqlite:////absolute`, a path)."""
    if database in IN_MEMORY:
        return ":memory:"
    if database.startswith("sqlite:///"):
        return database.removeprefix("sqlite:///")
    if "://" in database:
        scheme = database.split("://", 1)[0]
        raise StoreError(f"database {scheme}:// is neither sqlite:/// nor postgresql://")
    return database


def create_private_schema(url: str) -> tuple[str, str]:
    """A PostgreSQL schema of its own: (the URL that uses it, its name)."""
    from integral_mock.store import postgres

    return postgres.create_private_schema(url)


def drop_private_schema(url: str, schema: str) -> None:
    from integral_mock.store import postgres

    postgres.drop_private_schema(url, schema)


def open_engine(database: str, *, private: bool = False) -> Engine:
    """The engine for `database`; `private`: a PostgreSQL schema of its own, dropped on close.

    psycopg is imported only for PostgreSQL: the SQLite sandbox does not need it installed.
    """
    if not is_postgres(database):
        return SqliteEngine(sqlite_path(database))
    try:
        from integral_mock.store.postgres import PostgresEngine
    except ImportError as exc:  # the [postgres] extra is not installed
        message = f"PostgreSQL needs psycopg: pip install 'integral-mock[postgres]' ({exc})"
        raise StoreError(message) from None
    return PostgresEngine(database, private=private)
