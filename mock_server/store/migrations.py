"""The schema made, checked and brought up to SCHEMA_VERSION when a store is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from integral_mock.store.failures import StoreError
from integral_mock.store.schema import (
    LISTING_COLUMNS,
    SCHEMA_VERSION,
    add_column_statement,
    index_statements,
    table_statements,
)

if TYPE_CHECKING:
    from integral_mock.store import Store


def prepare(store: Store) -> None:
    """Create the tables, or migrate older ones; refuse those of a newer integral-mock.

    One write transaction under the `schema` lock: replicas and workers starting at once on
    one database make it once, and none reads a half-made schema.
    """
    engine = store.engine
    with store.transaction() as db:
        store.serialize("schema")
        version = _recorded_version(store)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{engine.describe()} holds schema version {version}, made by a newer "
                f"integral-mock; this one reads up to version {SCHEMA_VERSION}: upgrade it, "
                "or give it another database"
            )
        if version == SCHEMA_VERSION:
            # Made already: no DDL, whose locks (PostgreSQL takes one on a table even for an
            # index that exists) would make a worker's start wait for writers, and block them.
            return
        order_columns = engine.columns("orders")
        for statement in table_statements(engine.dialect):
            db.execute(statement)
        if order_columns is not None and version is None:
            _from_version_1_or_2(store, order_columns)
        for statement in index_statements(engine.dialect):
            db.execute(statement)
        db.execute("DELETE FROM schema_version")
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))


def _recorded_version(store: Store) -> int | None:
    """The version the tables were made at; None for a new database or an unversioned file."""
    if store.engine.columns("schema_version") is None:
        return None
    rows = store.query("SELECT version FROM schema_version")
    return int(rows[0][0]) if rows else None


def _from_version_1_or_2(store: Store, have: set[str]) -> None:
    """A state file from before versions were recorded: add the listing columns it lacks."""
    with store.transaction() as db:
        for name in LISTING_COLUMNS:
            if name not in have:
                db.execute(add_column_statement("orders", name, store.engine.dialect))
        if "delivered" not in have:  # version 1: its deliveries are in trade_deliveries
            db.execute(
                "UPDATE orders SET delivered = 1 WHERE EXISTS (SELECT 1 FROM trade_deliveries"
                " d WHERE d.org = orders.org AND d.order_id = orders.order_id)"
            )
