"""The store's tables and indexes, and the columns added to state files made before them."""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_hash  TEXT PRIMARY KEY,
    user        TEXT NOT NULL,
    org         TEXT NOT NULL,
    issued_ms   INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS quotes (
    rate_id     TEXT PRIMARY KEY,
    org         TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    bid         TEXT NOT NULL,
    offer       TEXT NOT NULL,
    bid_limit   INTEGER NOT NULL,
    offer_limit INTEGER NOT NULL,
    issued_ms   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    order_id    INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    co_id       TEXT NOT NULL,
    user        TEXT NOT NULL,
    request     TEXT NOT NULL,
    placed_ms   INTEGER NOT NULL,
    schedule    TEXT NOT NULL,
    reason      TEXT,
    fills       TEXT NOT NULL DEFAULT '[]',
    -- Resting orders (Limit GTC/GTT/DAY, Stop) are matched on read up to checked_ms.
    resting     INTEGER NOT NULL DEFAULT 0,
    checked_ms  INTEGER,
    expires_ms  INTEGER,
    UNIQUE (org, co_id)
);
CREATE INDEX IF NOT EXISTS orders_by_org ON orders (org, order_id);
-- Reads of orders whose progression counts polls (see orders.by_polls).
CREATE TABLE IF NOT EXISTS order_polls (
    order_id    INTEGER PRIMARY KEY,
    polls       INTEGER NOT NULL
);
-- Trades done elsewhere and booked by POST /v2/trades; `org` booked it, for `customer_org`.
-- Their ids stay far below order ids, so the delivery tables below key both by `order_id`.
CREATE TABLE IF NOT EXISTS booked_trades (
    trade_id     INTEGER PRIMARY KEY,
    org          TEXT NOT NULL,
    customer_org TEXT NOT NULL,
    request_id   TEXT,
    message      TEXT NOT NULL,
    created_ms   INTEGER NOT NULL,
    UNIQUE (org, request_id)
);
-- Trades handed out by GET /v2/trades/stp/messages, and those queued again by a resend.
CREATE TABLE IF NOT EXISTS trade_deliveries (
    org         TEXT NOT NULL,
    order_id    INTEGER NOT NULL,
    PRIMARY KEY (org, order_id)
);
CREATE TABLE IF NOT EXISTS trade_resends (
    seq         INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    order_id    INTEGER NOT NULL
);
-- Not `org`: an org's reset must not let a captured signed request be replayed in its window.
CREATE TABLE IF NOT EXISTS hmac_signatures (
    signature   TEXT PRIMARY KEY,
    signed_by   TEXT NOT NULL,
    expires_ms  INTEGER NOT NULL
);
-- Per-org overrides set through /__admin (forgotten with the org on reset): a short token
-- lifetime for one org lets a certification run expire a client's token mid-flow.
CREATE TABLE IF NOT EXISTS org_settings (
    org               TEXT PRIMARY KEY,
    token_lifetime_ms INTEGER
);
-- The sandbox's own state, kept here so that every worker process answers alike.
-- Named whole numbers: the seed, the manual clock, id counters, the hang generation.
CREATE TABLE IF NOT EXISTS sandbox_values (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
-- Where each seeded random stream has got to: its next draw is hash(seed, stream, position).
CREATE TABLE IF NOT EXISTS draws (
    stream      TEXT PRIMARY KEY,
    position    INTEGER NOT NULL
);
-- Fault and outcome rules (`book`), as the API shows them; `rule_org` is their scope.
CREATE TABLE IF NOT EXISTS control_rules (
    book        TEXT NOT NULL,
    id          INTEGER NOT NULL,
    rule_org    TEXT,
    times       INTEGER,
    fired       INTEGER NOT NULL DEFAULT 0,
    spec        TEXT NOT NULL,
    PRIMARY KEY (book, id)
);
-- The request journal, newest last; `entry` is the JSON the API shows.
CREATE TABLE IF NOT EXISTS journal (
    id          INTEGER PRIMARY KEY,
    entry_org   TEXT,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    status      INTEGER,
    fault       TEXT,
    request_id  TEXT,
    entry       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_org ON journal (entry_org, id);
-- Dashboard cookies ended by a sign-out, until they would have expired anyway.
CREATE TABLE IF NOT EXISTS admin_sessions_ended (
    cookie      TEXT PRIMARY KEY,
    until_ms    INTEGER NOT NULL
);
"""

# -- Lists that do not scan (issue 11, point 4) --------------------------------------------
# Columns of `orders` that index what an order's stored facts already say, so the active
# list, the trade download, cancel-all and /__admin/orders read only what they answer. The
# status is still derived on read: these only narrow which rows are read.
#   final_ms      from when the schedule (with the polls counted so far) makes it final; NULL
#                 while it rests on the book, waits on reads, or predates these columns
#   final_status  that final status (NULL with final_ms)
#   trade_ms      its last fill's time (the trade's executionTime) once it has a fill
#   delivered     1 once its trade went out in a download (as trade_deliveries says)
# Added by ALTER TABLE where missing, so a state file from before keeps working; its old rows
# come NULL, which the book lists on first look (OrderBook.settle).
ORDER_LIST_COLUMNS = {
    "final_ms": "INTEGER",
    "final_status": "TEXT",
    "trade_ms": "INTEGER",
    "delivered": "INTEGER NOT NULL DEFAULT 0",
}
ORDER_LIST_INDEXES = """
CREATE INDEX IF NOT EXISTS orders_open ON orders (order_id) WHERE final_ms IS NULL;
CREATE INDEX IF NOT EXISTS orders_by_final ON orders (org, final_ms);
CREATE INDEX IF NOT EXISTS orders_undelivered ON orders (org, trade_ms, order_id)
    WHERE delivered = 0 AND trade_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS booked_by_customer ON booked_trades (customer_org, trade_id);
"""
