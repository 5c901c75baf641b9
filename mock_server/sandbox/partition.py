"""State partitioned by org: forget one org's stored state, or everyone's."""

from __future__ import annotations

from integral_mock.store import Store
from integral_mock.store.schema import tables_with


def reset_store(store: Store, org: str | None = None, *, sessions: bool = False) -> dict[str, int]:
    """Delete the stored state of `org`, or of every org; tokens too only if `sessions`.

    Tables are found by their columns (store/schema.py), so a table added later is reset
    without a change here: one with an `org` column is the org's; one with only an
    `order_id` column belongs to the org's orders. Tokens are kept by default, so a
    logged-in test client survives.
    The controls' own tables (rules, journal) name their org column otherwise (`rule_org`,
    `entry_org`): the controls clear them themselves, and count what went.
    Returns how many rows went, per table.
    """
    removed: dict[str, int] = {}
    with store.transaction() as db:
        by_org, by_order = _tables()
        if not sessions:
            by_org.remove("tokens")
        owned = "SELECT order_id FROM orders" + (" WHERE org = ?" if org is not None else "")
        params = (org,) if org is not None else ()
        # Order-keyed rows first, while their orders still say which org they belong to.
        for table in by_order:
            sql = f"DELETE FROM {table} WHERE order_id IN ({owned})"
            removed[table] = db.execute(sql, params).rowcount
        for table in by_org:
            where = " WHERE org = ?" if org is not None else ""
            removed[table] = db.execute(f"DELETE FROM {table}{where}", params).rowcount
    return removed


def _tables() -> tuple[list[str], list[str]]:
    """(tables with an `org` column, tables with an `order_id` but no `org` column)."""
    by_org = tables_with("org")
    return by_org, [name for name in tables_with("order_id") if name not in by_org]
