"""The dashboard's sessions: what its cookie holds, how long it lasts, and how one ends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from integral_mock.store import Store

# A browser credential: it lasts a working day of real time, whatever the sandbox's clock says.
MAX_AGE_MS = 12 * 60 * 60 * 1000


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _mac(token: str, issued_ms: int, nonce: str) -> str:
    text = f"integral-mock dashboard {issued_ms} {nonce}".encode()
    return hmac.new(token.encode(), text, hashlib.sha256).hexdigest()


class AdminSessions:
    """Sessions opened with the admin token: signed by it, timed, and ended for good.

    The ended ones are kept in the store, so a sign-out holds on every worker.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, token: str) -> str:
        """A new cookie value: when it was issued, a nonce, and a MAC of both by the token."""
        issued, nonce = _now_ms(), secrets.token_hex(8)
        return f"{issued}.{nonce}.{_mac(token, issued, nonce)}"

    def valid(self, token: str, value: str) -> bool:
        """Signed by this token, younger than MAX_AGE_MS, and not ended."""
        issued_text, _, rest = value.partition(".")
        nonce, _, mac = rest.partition(".")
        if not (issued_text.isascii() and issued_text.isdigit() and len(issued_text) <= 15):
            return False
        issued = int(issued_text)
        if not hmac.compare_digest(mac.encode(), _mac(token, issued, nonce).encode()):
            return False
        ended = self.store.query("SELECT 1 FROM admin_sessions_ended WHERE cookie = ?", (value,))
        return not ended and 0 <= _now_ms() - issued < MAX_AGE_MS

    def end(self, value: str) -> None:
        """Refuse this cookie from now on (a copy of it too), until it would have expired."""
        now = _now_ms()
        issued_text = value.partition(".")[0]
        issued = int(issued_text) if issued_text.isdigit() and len(issued_text) <= 15 else now
        with self.store.transaction() as db:
            db.execute("DELETE FROM admin_sessions_ended WHERE until_ms <= ?", (now,))
            sql = (
                "INSERT INTO admin_sessions_ended VALUES (?, ?)"
                " ON CONFLICT (cookie) DO UPDATE SET until_ms = excluded.until_ms"
            )
            db.execute(sql, (value, issued + MAX_AGE_MS))
