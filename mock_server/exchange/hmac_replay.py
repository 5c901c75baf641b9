"""HMAC replay: a signed request that changes state is good once within its Date window.

Integral publishes no nonce, so a captured signed request could be sent again for as long as
its `Date` is within the five-minute skew. The sandbox's decision (config `hmac_replay`):
a signature of a safe request (GET) may be replayed — reads repeat harmlessly and clients
retry them — while a signature of an unsafe one (POST, DELETE) is refused the second time,
with 401 HMAC_REPLAYED. "allow" turns the check off.
"""

from __future__ import annotations

from integral_mock.errors import Unauthorized
from integral_mock.exchange.hmac_auth import MAX_SKEW_MS
from integral_mock.store import Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReplayGuard:
    """Remembers the signatures of unsafe signed requests for as long as their Date is good."""

    def __init__(self, store: Store, policy: str) -> None:
        self.store = store
        self.policy = policy

    def admit(self, org: str, method: str, signature: str, now_ms: int) -> None:
        """Let this signed request through once, or 401 HMAC_REPLAYED for a repeat."""
        if self.policy == "allow" or method.upper() in SAFE_METHODS:
            return
        with self.store.transaction() as db:
            # A Date is good for MAX_SKEW_MS either side of the clock: remember it that long.
            db.execute("DELETE FROM hmac_signatures WHERE expires_ms < ?", (now_ms,))
            seen = db.execute(
                "INSERT INTO hmac_signatures VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (signature, org, now_ms + 2 * MAX_SKEW_MS),
            ).rowcount
        if not seen:
            raise Unauthorized(
                "This signature was used before: sign each POST and DELETE anew (a fresh Date)",
                code="HMAC_REPLAYED",
            )
