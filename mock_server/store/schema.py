"""The store's tables and indexes, defined once and rendered for each engine by SQLAlchemy."""

from __future__ import annotations

import functools

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql import text

# The version of these tables; a store records the one it was made or migrated to (store/
# migrations.py). 1: state files from before the listing columns; 2: with them, unrecorded;
# 3: recorded in `schema_version`.
SCHEMA_VERSION = 3

# A key or an epoch-milliseconds value: 64 bits (PostgreSQL's INTEGER is 32). On SQLite it is
# declared INTEGER, so a single-column primary key stays an alias of the rowid, as before.
Number = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()


def _key(name: str, *, auto: bool = False) -> Column[int]:
    return Column(name, Number, primary_key=True, autoincrement=auto)


def _number(name: str, *, default: int | None = None) -> Column[int]:
    if default is None:
        return Column(name, Number)
    return Column(name, Number, nullable=False, server_default=text(str(default)))


def _required(name: str) -> Column[str]:
    return Column(name, Text, nullable=False)


def _whole(name: str) -> Column[int]:
    return Column(name, Number, nullable=False)


Table(
    "tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    _required("user"),  # quoted by every statement: a reserved word of PostgreSQL's
    _required("org"),
    _whole("issued_ms"),
    _whole("expires_ms"),
    _number("revoked", default=0),
)
Table(
    "quotes",
    metadata,
    Column("rate_id", Text, primary_key=True),
    _required("org"),
    _required("symbol"),
    _required("bid"),
    _required("offer"),
    _whole("bid_limit"),
    _whole("offer_limit"),
    _whole("issued_ms"),
)
orders = Table(
    "orders",
    metadata,
    _key("order_id"),
    _required("org"),
    _required("co_id"),
    _required("user"),
    _required("request"),
    _whole("placed_ms"),
    _required("schedule"),
    Column("reason", Text),
    Column("fills", Text, nullable=False, server_default=text("'[]'")),
    # Resting orders (Limit GTC/GTT/DAY, Stop) are matched on read up to checked_ms.
    _number("resting", default=0),
    _number("checked_ms"),
    _number("expires_ms"),
    # Lists that do not scan: what an order's stored facts already say, so the active list,
    # the trade download, cancel-all and /__admin/orders read only what they answer (the
    # status is still derived on read; these only narrow which rows are read):
    #   final_ms      from when the schedule (with the polls counted so far) makes it final;
    #                 NULL while it rests on the book, waits on reads, or predates the column
    #   final_status  that final status (NULL with final_ms)
    #   trade_ms      its last fill's time (the trade's executionTime) once it has a fill
    #   delivered     1 once its trade went out in a download (as trade_deliveries says)
    _number("final_ms"),
    Column("final_status", Text),
    _number("trade_ms"),
    _number("delivered", default=0),
    UniqueConstraint("org", "co_id"),
)
# Reads of orders whose progression counts polls (see orders/polls.py).
Table("order_polls", metadata, _key("order_id"), _whole("polls"))
# Trades done elsewhere and booked by POST /v2/trades; `org` booked it, for `customer_org`.
# Their ids stay far below order ids, so the delivery tables below key both by `order_id`.
booked_trades = Table(
    "booked_trades",
    metadata,
    _key("trade_id"),
    _required("org"),
    _required("customer_org"),
    Column("request_id", Text),
    _required("message"),
    _whole("created_ms"),
    UniqueConstraint("org", "request_id"),
)
# Trades handed out by GET /v2/trades/stp/messages, and those queued again by a resend.
Table(
    "trade_deliveries",
    metadata,
    Column("org", Text, primary_key=True),
    Column("order_id", Number, primary_key=True, autoincrement=False),
)
Table("trade_resends", metadata, _key("seq", auto=True), _required("org"), _whole("order_id"))
# Not `org`: an org's reset must not let a captured signed request be replayed in its window.
Table(
    "hmac_signatures",
    metadata,
    Column("signature", Text, primary_key=True),
    _required("signed_by"),
    _whole("expires_ms"),
)
# Per-org overrides set through /__admin (forgotten with the org on reset): a short token
# lifetime for one org lets a certification run expire a client's token mid-flow.
Table("org_settings", metadata, Column("org", Text, primary_key=True), _number("token_lifetime_ms"))
# The sandbox's own state, kept here so that every worker and replica answers alike.
# Named whole numbers: the seed, the manual clock, id counters, the hang generation.
Table("sandbox_values", metadata, Column("name", Text, primary_key=True), _whole("value"))
# Where each seeded random stream has got to: its next draw is hash(seed, stream, position).
Table("draws", metadata, Column("stream", Text, primary_key=True), _whole("position"))
# Fault and outcome rules (`book`), as the API shows them; `rule_org` is their scope.
Table(
    "control_rules",
    metadata,
    Column("book", Text, primary_key=True),
    Column("id", Number, primary_key=True, autoincrement=False),
    Column("rule_org", Text),
    _number("times"),
    _number("fired", default=0),
    _required("spec"),
)
# The request journal, newest last; `entry` is the JSON the API shows.
journal = Table(
    "journal",
    metadata,
    _key("id"),
    Column("entry_org", Text),
    _required("method"),
    _required("path"),
    _number("status"),
    Column("fault", Text),
    Column("request_id", Text),
    _required("entry"),
)
# Dashboard cookies ended by a sign-out, until they would have expired anyway.
Table(
    "admin_sessions_ended",
    metadata,
    Column("cookie", Text, primary_key=True),
    _whole("until_ms"),
)
# Which SCHEMA_VERSION the tables are at: one row.
Table("schema_version", metadata, _whole("version"))

Index("orders_by_org", orders.c.org, orders.c.order_id)
Index("journal_by_org", journal.c.entry_org, journal.c.id)
_OPEN = orders.c.final_ms.is_(None)
_UNDELIVERED = (orders.c.delivered == 0) & orders.c.trade_ms.isnot(None)
Index("orders_open", orders.c.order_id, sqlite_where=_OPEN, postgresql_where=_OPEN)
Index("orders_by_final", orders.c.org, orders.c.final_ms)
Index(
    "orders_undelivered",
    orders.c.org,
    orders.c.trade_ms,
    orders.c.order_id,
    sqlite_where=_UNDELIVERED,
    postgresql_where=_UNDELIVERED,
)
Index("booked_by_customer", booked_trades.c.customer_org, booked_trades.c.trade_id)

# The columns version 2 added to `orders`, for migrating a version-1 state file.
LISTING_COLUMNS = ("final_ms", "final_status", "trade_ms", "delivered")


# Rendered once per dialect (each engine class holds one): SQLAlchemy takes some 12 ms to compile
# them, more than the rest of making a new in-memory store, and the tables never change.
@functools.cache
def table_statements(dialect: Dialect) -> tuple[str, ...]:
    """Every table as this engine's DDL; each skips a table that exists already."""
    tables = [CreateTable(t, if_not_exists=True) for t in metadata.sorted_tables]
    return tuple(str(statement.compile(dialect=dialect)).strip() for statement in tables)


@functools.cache
def index_statements(dialect: Dialect) -> tuple[str, ...]:
    """Every index (made after a migration has added the columns they cover)."""
    indexes = [
        CreateIndex(i, if_not_exists=True) for t in metadata.sorted_tables for i in t.indexes
    ]
    return tuple(str(statement.compile(dialect=dialect)).strip() for statement in indexes)


def add_column_statement(table: str, column: str, dialect: Dialect) -> str:
    """ALTER TABLE … ADD COLUMN for one column as declared above (a migration step)."""
    declared = metadata.tables[table].c[column]
    kind = declared.type.compile(dialect=dialect)
    default = f" NOT NULL DEFAULT {declared.server_default.arg}" if declared.server_default else ""  # type: ignore[attr-defined]
    return f"ALTER TABLE {table} ADD COLUMN {column} {kind}{default}"


def tables_with(column: str) -> list[str]:
    """The tables that have a column of this name."""
    return [t.name for t in metadata.sorted_tables if column in t.c]
