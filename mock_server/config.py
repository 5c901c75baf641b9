"""The sandbox's frozen configuration: the one place files and options are read."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class User:
    """A login the sandbox accepts."""

    user: str
    password: str
    org: str
    trading: bool = True


@dataclass(frozen=True)
class Org:
    """A customer organisation; `symbols` empty means every pair the sandbox prices."""

    name: str
    symbols: tuple[str, ...] = ()


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

    @classmethod
    def default(cls, **overrides: Any) -> Config:
        """The shipped users and orgs with the default settings, then `overrides`."""
        text = resources.files("mock_server").joinpath("default_config.toml").read_text("utf-8")
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
        users = tuple(User(**u) for u in data.get("users", ()))
        orgs = tuple(
            Org(name=o["name"], symbols=tuple(o.get("symbols", ()))) for o in data.get("orgs", ())
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

    def find_user(self, user: str, org: str) -> User | None:
        return next((u for u in self.users if u.user == user and u.org == org), None)

    def find_org(self, name: str) -> Org | None:
        return next((o for o in self.orgs if o.name == name), None)
