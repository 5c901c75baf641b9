"""The sandbox's frozen configuration: the one place files and options are read."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from integral_mock.exchange.orders.lifecycle import Progression
from integral_mock.sandbox.latency import parse_latency


@dataclass(frozen=True)
class User:
    """A login the sandbox accepts."""

    user: str
    password: str
    org: str
    trading: bool = True
    # Key for HMAC request signing; empty means this user cannot sign requests.
    secret: str = ""
    # Orgs this user may place orders for (the `org` field of an order), besides its own.
    on_behalf_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Org:
    """A customer organisation; `symbols` empty means every pair the sandbox prices."""

    name: str
    symbols: tuple[str, ...] = ()
    # Its legal entities (a booked trade's accounts); none declared means one named as the org.
    legal_entities: tuple[str, ...] = ()

    @property
    def accounts(self) -> tuple[str, ...]:
        return self.legal_entities or (self.name,)


@dataclass(frozen=True)
class Config:
    """Everything that shapes one sandbox app; two apps never share one."""

    users: tuple[User, ...] = ()
    orgs: tuple[Org, ...] = ()
    seed: int = 0
    state_path: str = ":memory:"
    token_lifetime_ms: int = 30 * 60 * 1000
    # An expired token may still be renewed (a new one is issued) for this long after expiry.
    renew_grace_ms: int = 24 * 60 * 60 * 1000
    quote_lifetime_ms: int = 60_000
    new_delay_ms: int = 200
    fill_delay_ms: int = 300
    delay_jitter_ms: int = 100
    max_body_bytes: int = 64 * 1024
    validate_responses: bool = False
    # Sandbox controls (README "Controlling the sandbox"); all off or neutral by default.
    clock: str = "system"  # "manual": a frozen clock moved by POST /__admin/clock/advance
    admin_token: str = ""  # when set, /__admin wants `Authorization: Bearer <token>`
    sandbox_headers: bool = True  # honour X-Sandbox-* request headers
    magic_coids: bool = True  # honour coId prefixes such as REJECT- and POLL3-
    reject_probability: float = 0.0  # seeded chance that an order is rejected anyway
    progression: str = "time"  # how orders advance: "time", "immediate" or "polls:N"
    latency: str = ""  # added to every answer: "50", "uniform:20-200", "lognormal:100:0.5"
    hang_ms: int = 120_000  # how long a `hang` fault holds the connection (real time)
    journal_size: int = 1000  # requests the journal keeps

    @classmethod
    def default(cls, **overrides: Any) -> Config:
        """The shipped users and orgs with the default settings, then `overrides`."""
        text = resources.files("integral_mock").joinpath("default_config.toml").read_text("utf-8")
        return cls.from_mapping(tomllib.loads(text), **overrides)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> Config:
        """A TOML file in the shape of default_config.toml; settings may sit at its top."""
        with open(path, "rb") as handle:
            return cls.from_mapping(tomllib.load(handle), **overrides)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], **overrides: Any) -> Config:
        settings = {k: v for k, v in data.items() if k not in ("users", "orgs")}
        unknown = set(settings) | set(overrides)
        unknown -= {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
        users = tuple(
            User(**{**u, "on_behalf_of": tuple(u.get("on_behalf_of", ()))})
            for u in data.get("users", ())
        )
        orgs = tuple(
            Org(
                name=o["name"],
                symbols=tuple(o.get("symbols", ())),
                legal_entities=tuple(o.get("legal_entities", ())),
            )
            for o in data.get("orgs", ())
        )
        config = cls(users=users, orgs=orgs, **{**settings, **overrides})
        config.check()
        return config

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    def check(self) -> None:
        """Refuse a configuration that would make the sandbox lie or crash later."""
        org_names = {o.name for o in self.orgs}
        for user in self.users:
            if user.org not in org_names:
                raise ValueError(f"user {user.user!r} belongs to undeclared org {user.org!r}")
        for name in ("token_lifetime_ms", "quote_lifetime_ms", "max_body_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("new_delay_ms", "fill_delay_ms", "delay_jitter_ms", "renew_grace_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        self._check_controls()

    def _check_controls(self) -> None:
        if self.clock not in ("system", "manual"):
            raise ValueError("clock must be 'system' or 'manual'")
        if not 0.0 <= self.reject_probability <= 1.0:
            raise ValueError("reject_probability must be between 0 and 1")
        if self.hang_ms < 0 or self.journal_size <= 0:
            raise ValueError("hang_ms must not be negative and journal_size must be positive")
        Progression.parse(self.progression)
        parse_latency(self.latency)

    def find_user(self, user: str, org: str) -> User | None:
        return next((u for u in self.users if u.user == user and u.org == org), None)

    def find_org(self, name: str) -> Org | None:
        return next((o for o in self.orgs if o.name == name), None)
