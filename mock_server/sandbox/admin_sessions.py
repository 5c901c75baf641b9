"""The dashboard's sessions: what its cookie holds, how long it lasts, and how one ends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

# A browser credential: it lasts a working day of real time, whatever the sandbox's clock says.
MAX_AGE_MS = 12 * 60 * 60 * 1000


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _mac(token: str, issued_ms: int, nonce: str) -> str:
    text = f"integral-mock dashboard {issued_ms} {nonce}".encode()
    return hmac.new(token.encode(), text, hashlib.sha256).hexdigest()


class AdminSessions:
    """Sessions opened with the admin token: signed by it, timed, and ended for good."""

    def __init__(self) -> None:
        self._ended: dict[str, int] = {}  # cookie value -> when it would have expired anyway
        self._lock = threading.Lock()

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
        with self._lock:
            ended = value in self._ended
        return not ended and 0 <= _now_ms() - issued < MAX_AGE_MS

    def end(self, value: str) -> None:
        """Refuse this cookie from now on (a copy of it too), until it would have expired."""
        now = _now_ms()
        issued_text = value.partition(".")[0]
        issued = int(issued_text) if issued_text.isdigit() and len(issued_text) <= 15 else now
        with self._lock:
            self._ended = {v: until for v, until in self._ended.items() if until > now}
            self._ended[value] = issued + MAX_AGE_MS
