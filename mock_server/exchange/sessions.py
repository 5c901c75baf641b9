"""Logins and SSO tokens: issue, check, renew. Only a hash of each token is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from integral_mock.config import Config, User
from integral_mock.errors import Forbidden, NotFound, Unauthorized
from integral_mock.store import Store

# Compared against when the user is unknown, so a wrong user costs as long as a wrong password.
_DUMMY_PASSWORD = "x" * 32


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, the org it acts in, and whether it may trade."""

    user: str
    org: str
    trading: bool

    @property
    def full_name(self) -> str:
        return f"{self.user}@{self.org}"


@dataclass(frozen=True)
class Token:
    """A token as handed to a client, with its expiry."""

    value: str
    principal: Principal
    issued_ms: int
    expires_ms: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """The token service of one app."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store

    def login(self, user: str, password: str, org: str, now_ms: int) -> Token:
        if self.config.find_org(org) is None:
            raise NotFound(f"Unknown org {org!r}", code="UNKNOWN_ORG")
        account = self.config.find_user(user, org)
        expected = account.password if account else _DUMMY_PASSWORD
        if not hmac.compare_digest(password.encode(), expected.encode()) or account is None:
            raise Unauthorized("Wrong user or password", code="INVALID_CREDENTIALS")
        return self._issue(account, now_ms)

    def _issue(self, account: User, now_ms: int) -> Token:
        value = secrets.token_urlsafe(32)
        expires = now_ms + self.token_lifetime_ms(account.org)
        with self.store.transaction() as db:
            db.execute(
                'INSERT INTO tokens (token_hash, "user", org, issued_ms, expires_ms) '
                "VALUES (?, ?, ?, ?, ?)",
                (_digest(value), account.user, account.org, now_ms, expires),
            )
        principal = Principal(account.user, account.org, account.trading)
        return Token(value, principal, now_ms, expires)

    def token_lifetime_ms(self, org: str) -> int:
        """The org's token lifetime: its /__admin override if one is set, else the config's."""
        rows = self.store.query("SELECT token_lifetime_ms FROM org_settings WHERE org = ?", (org,))
        found = rows[0]["token_lifetime_ms"] if rows else None
        return int(found) if found is not None else self.config.token_lifetime_ms

    def set_token_lifetime_ms(self, org: str, lifetime_ms: int | None) -> None:
        """Override an org's token lifetime (None: the config's); issued tokens keep theirs."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO org_settings (org, token_lifetime_ms) VALUES (?, ?) "
                "ON CONFLICT (org) DO UPDATE SET token_lifetime_ms = excluded.token_lifetime_ms",
                (org, lifetime_ms),
            )

    def owner(self, token: str | None) -> str | None:
        """The org of a token this server issued, expired or revoked alike (for the journal)."""
        if not token:
            return None
        rows = self.store.query("SELECT org FROM tokens WHERE token_hash = ?", (_digest(token),))
        return str(rows[0]["org"]) if rows else None

    def _lookup(self, token: str | None, lock: str = "") -> tuple[User, int]:
        if not token:
            raise Unauthorized("No SSO_TOKEN header or cookie; log in first", code="TOKEN_MISSING")
        rows = self.store.query(
            'SELECT "user", org, expires_ms, revoked FROM tokens WHERE token_hash = ?' + lock,
            (_digest(token),),
        )
        if rows and rows[0]["revoked"]:  # it was issued: "not one this server issued" misled
            raise Unauthorized(
                "The SSO_TOKEN was replaced when it was renewed; use the renewed token or log in",
                code="TOKEN_INVALID",
            )
        account = self.config.find_user(rows[0]["user"], rows[0]["org"]) if rows else None
        if account is None:
            raise Unauthorized("The SSO_TOKEN is not one this server issued", code="TOKEN_INVALID")
        return account, int(rows[0]["expires_ms"])

    def authenticate(self, token: str | None, now_ms: int) -> Principal:
        """The caller behind `token`, or 401."""
        account, expires = self._lookup(token)
        if now_ms >= expires:
            raise Unauthorized(
                "The SSO_TOKEN has expired; log in again or renew it", code="TOKEN_EXPIRED"
            )
        return Principal(account.user, account.org, account.trading)

    def renew(self, token: str | None, now_ms: int) -> tuple[Token, bool]:
        """Extend a live token; replace an expired one (within the grace period).

        Returns the token to use from now on and whether the presented one had expired.
        A live token keeps its value, so other threads of the same client keep working.
        """
        # One transaction, the token's row locked from the look to the write: of two renewals
        # of one expired token, on any worker or replica, one replaces it and the other is 401.
        with self.store.transaction() as db:
            account, expires = self._lookup(token, lock=self.store.for_update)
            assert token is not None
            if now_ms < expires:
                new_expiry = now_ms + self.token_lifetime_ms(account.org)
                db.execute(
                    "UPDATE tokens SET expires_ms = ? WHERE token_hash = ?",
                    (new_expiry, _digest(token)),
                )
                principal = Principal(account.user, account.org, account.trading)
                return Token(token, principal, now_ms, new_expiry), False
            if now_ms >= expires + self.config.renew_grace_ms:
                raise Unauthorized(
                    "The SSO_TOKEN expired too long ago; log in again", code="TOKEN_EXPIRED"
                )
            db.execute("UPDATE tokens SET revoked = 1 WHERE token_hash = ?", (_digest(token),))
            return self._issue(account, now_ms), True


def require_trading(principal: Principal) -> None:
    """403 unless the user has trading permission."""
    if not principal.trading:
        raise Forbidden(f"User {principal.full_name} has no trading permission")
