"""The request journal: a bounded record of each request and answer, secrets redacted."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from typing import Any

from integral_mock.clock import WallClock
from integral_mock.sandbox.redaction import RawJson
from integral_mock.store import Store


class Journal:
    """What is left of the last `size` requests of the sandbox, oldest first, with rising ids.

    Kept in the store, so it holds the requests of every worker. Ids come from a counter
    (not the table's largest id) so that a poll with `after` never misses a new entry when
    an org's newest entries were cleared. `wall` tells the real time (the shared database's
    where replicas span hosts): a clear is stamped with it, and an entry of a request that
    began before the clear (a hang the reset let go, a request in flight across it) is not
    read after it, wherever its row was written.
    """

    def __init__(self, store: Store, size: int, wall: WallClock) -> None:
        self.store = store
        self.size = size
        self.wall = wall

    def record(self, entry: dict[str, Any], began_ns: int) -> None:
        """Keep one entry (see journal_entry.entry) of a request that began at `began_ns` (by
        `wall`); the oldest beyond `size` go."""
        org, path, request_id = (_storable(entry[k]) for k in ("org", "path", "requestId"))
        # The id and the row in one step (Store.insert_numbered: on PostgreSQL one statement,
        # which holds the counter's row only while it runs); the entry's JSON is stored
        # without its id, which a read takes from the column, and with when it began.
        row = (org, entry["method"], path, entry["status"], entry["fault"], request_id)
        entry_id = self.store.insert_numbered(
            _IDS, "journal", "id", (*row, _encoded(entry, began_ns))
        )
        # Trimmed now and then (reads leave out what is beyond `size`: a statement less per
        # request), by the counter as it stands now, not by the id just taken: a reset
        # between the two restarts the counter, and the entries after it must stay.
        if entry_id % TRIM_EVERY == 0:
            self.store.query(_TRIM, (_IDS, self.size))

    def entries(
        self,
        *,
        org: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        fault: str | None = None,
        request_id: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The entries that pass every filter given; `limit` keeps the newest."""
        wanted = {"entry_org": org, "method": method and method.upper(), "status": status}
        wanted |= {"fault": fault, "request_id": request_id}
        where = [f"{column} = ?" for column, value in wanted.items() if value is not None]
        params: list[Any] = [value for value in wanted.values() if value is not None]
        where.append(_KEPT)  # the newest `size`: older ones wait for the next trim
        params += [_IDS, self.size]
        if after is not None:
            where.append("id > ?")
            params.append(after)
        sql = "SELECT id, entry, path, entry_org FROM journal"
        sql += " WHERE " + " AND ".join(where)
        cleared = self._clears()
        # The newest `limit` in SQL, unless a path glob picks after it; rows hidden by a clear
        # (below) are rare, and a read that lost some to it reads further back.
        fetch = limit if path is None else None
        while True:
            rows = self._rows(sql, params, fetch)
            found = [r for r in rows if path is None or fnmatch.fnmatchcase(r["path"], path)]
            entries = [e for e in map(_visible(cleared), found) if e is not None]
            if not fetch or not limit or len(entries) >= limit or len(rows) < fetch:
                return entries[-limit:] if limit else entries
            fetch *= 2

    def _rows(self, sql: str, params: list[Any], newest: int | None) -> list[Any]:
        if newest:
            sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) AS newest"
            params = [*params, newest]
        return self.store.query(sql + " ORDER BY id", tuple(params))

    def _clears(self) -> dict[str | None, int]:
        """When the journal (key None) and each org's part of it were last cleared."""
        rows = self.store.query(
            "SELECT name, value FROM sandbox_values WHERE name = ? OR name LIKE ?",
            (_CLEARED, f"{_CLEARED}:%"),
        )
        return {_org_of_mark(r["name"]): int(r["value"]) for r in rows}

    def stamp_clear(self, org: str | None) -> None:
        """From now on, entries of requests that began before now (of `org`, or of all) are
        not read."""
        name = _CLEARED if org is None else f"{_CLEARED}:{_storable(org)}"
        self.store.set_value(name, self.wall.now_ns())

    def clear(self, org: str | None = None) -> int:
        """Forget every entry, or those of one org; returns how many went."""
        with self.store.transaction() as db:
            if org is None:
                db.execute("DELETE FROM sandbox_values WHERE name = ? OR name LIKE ?",
                           (_IDS, f"{_CLEARED}:%"))  # fmt: skip
                self.stamp_clear(None)
                return int(db.execute("DELETE FROM journal").rowcount)
            self.stamp_clear(org)
            gone = db.execute("DELETE FROM journal WHERE entry_org = ?", (_storable(org),))
            return int(gone.rowcount)


_IDS = "journal_entries"
_CLEARED = "journal_cleared_ns"  # when the journal, or (":" + org) an org's part, was cleared
_BEGAN = "_beganNs"  # in a stored entry: when its request began, by Journal.wall


def _encoded(entry: dict[str, Any], began_ns: int) -> str:
    """The entry as stored: JSON, with when its request began; an answer's RawJson body
    spliced in as written (it is the entry's last value, so the text ends `null}}`)."""
    answer = entry["response"]
    if not isinstance(answer["body"], RawJson):
        return json.dumps({_BEGAN: began_ns, **entry})
    if list(entry)[-1] != "response" or list(answer)[-1] != "body":  # not where it splices
        parsed = {**answer, "body": json.loads(answer["body"])}
        return json.dumps({_BEGAN: began_ns, **entry, "response": parsed})
    encoded = json.dumps({_BEGAN: began_ns, **entry, "response": {**answer, "body": None}})
    return encoded.removesuffix("null}}") + answer["body"] + "}}"


def _visible(cleared: dict[str | None, int]) -> Callable[[Any], dict[str, Any] | None]:
    """A row as its entry, or None for one of a request that began before a clear of it."""

    def entry_of(row: Any) -> dict[str, Any] | None:
        entry = json.loads(row["entry"])
        began = entry.pop(_BEGAN, None)  # None: written before entries said when they began
        last_clear = max(cleared.get(None, 0), cleared.get(row["entry_org"], 0))
        return {"id": row["id"], **entry} if began is None or began >= last_clear else None

    return entry_of


def _org_of_mark(name: str) -> str | None:
    return name.partition(":")[2] if ":" in name else None


_LAST_ID = "(SELECT value FROM sandbox_values WHERE name = ?)"
_TRIM = f"DELETE FROM journal WHERE id <= {_LAST_ID} - ?"
_KEPT = f"id > COALESCE({_LAST_ID}, 0) - ?"
TRIM_EVERY = 64


def _storable(text: str | None) -> str | None:
    """Text either database can hold: a lone surrogate (an org a refused login named) and a
    NUL (which PostgreSQL refuses in text) escaped."""
    if text is None:
        return None
    escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped.replace("\x00", "\\x00")
