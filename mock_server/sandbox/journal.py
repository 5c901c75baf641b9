"""The request journal: a bounded record of each request and answer, secrets redacted."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from integral_mock.clock import WallClock
from integral_mock.integral.json_input import strict_loads
from integral_mock.store import Store

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"sso_token", "cookie", "set_cookie", "authorization"})
SECRET_FIELDS = frozenset(
    {"pass", "passwd", "password", "secret", "token", "sso_token", "signature"}
)
# A key holding one of these words is a secret too: apiToken, client_secret, newPassword.
SECRET_WORDS = ("password", "secret", "token", "signature")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
BODY_LIMIT = 16 * 1024  # characters kept of a body that is not JSON
# The API's bodies are a few levels deep; a deeper one is kept as text, so that walking it
# can never exhaust the stack of the request that is being recorded.
MAX_DEPTH = 32


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict, with every credential-bearing one replaced.

    Names are compared with `-` as `_`: a WSGI server hands SSO_TOKEN over as `Sso-Token`.
    """
    return {k: REDACTED if k.lower().replace("-", "_") in SECRET_HEADERS else v for k, v in headers}


def redact_body(data: bytes | None, *, credentials: bool = False) -> Any:
    """The body as JSON (secret fields replaced) when it is JSON, else as (short) text.

    Redaction goes by what the body means, after parsing: a key written `"p\u0061ss"` is
    `pass`. A body that carries credentials (a login) and does not parse is never kept.
    """
    if not data:
        return None
    try:
        return _redact(strict_loads(data), MAX_DEPTH)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than we (or json) walk
        return REDACTED if credentials else _redact_text(data)


class RawJson(str):
    """JSON text the sandbox wrote itself, kept as written: Journal.record splices it in."""


# Every secret field's name holds one of these (SECRET_FIELDS, SECRET_WORDS).
_SECRET_STEMS = ("pass", "secret", "token", "signature")


def redact_answer(data: bytes, mimetype: str, *, as_written: bool) -> Any:
    """An answer's body as redact_body has it, or, when it is JSON the app wrote (no fault
    rewrote it: `as_written`) naming no secret, its text as it is. Parsing and encoding again
    each answer was a tenth of a spot rate's cost. Python's encoder never escapes an ASCII
    letter, so a secret's name in such text is always spelled out."""
    if not data:
        return None  # a HEAD's answer, or an empty one
    if as_written and mimetype == "application/json" and data.isascii():
        text = data.decode("ascii")
        lowered = text.lower()
        # An escape could spell a name that lowers to a secret's ("to\u212aen"): parsed then.
        if "\\u" not in text and not any(stem in lowered for stem in _SECRET_STEMS):
            return RawJson(text)
    return redact_body(data)


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_FIELDS or any(word in lowered for word in SECRET_WORDS)


def _redact(value: Any, depth: int) -> Any:
    if isinstance(value, dict | list) and depth == 0:
        raise ValueError("nested too deeply to redact")
    if isinstance(value, dict):
        return {k: REDACTED if _is_secret(k) else _redact(v, depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, depth - 1) for v in value]
    return value


def _redact_text(data: bytes) -> str:
    """Text kept as is, unless it names a secret field (a form-encoded or broken JSON login)."""
    text = data[:BODY_LIMIT].decode("utf-8", "replace")
    # JSON escapes spelled out first, so `p\u0061ss` is looked at as `pass`.
    meant = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text).lower()
    return REDACTED if any(name in meant for name in SECRET_FIELDS) else text


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


def redact_query(query: str) -> str:
    """The query string, with the value of any secret parameter (a token put in a URL) replaced."""
    parts = []
    for part in query.split("&"):
        name, sep, _ = part.partition("=")
        parts.append(f"{name}={REDACTED}" if sep and _is_secret(unquote_plus(name)) else part)
    return "&".join(parts)
