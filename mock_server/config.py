"""The sandbox's frozen configuration: the one place files and options are read."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

HMAC_REPLAY_POLICIES = ("refuse-unsafe", "allow")


@dataclass(frozen=True)
class Progression:
    """How an order moves along its schedule: by time, on its first read, or over N reads."""

    mode: str = "time"
    polls: int = 0

    @classmethod
    def parse(cls, text: str) -> Progression:
        """`time`, `immediate` or `polls:N` (N >= 1); ValueError otherwise."""
        text = text.strip().lower()
        if text in ("time", "immediate"):
            return cls(text, 1 if text == "immediate" else 0)
        if match := re.fullmatch(r"polls:([1-9][0-9]{0,5})", text):
            return cls("polls", int(match[1]))
        raise ValueError(f"progression {text!r} is none of 'time', 'immediate', 'polls:N'")

    def __str__(self) -> str:
        return f"polls:{self.polls}" if self.mode == "polls" else self.mode


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
    # Where the state lives: a SQLite path or `sqlite:///path`, or a `postgresql://` URL that
    # replicas share (README "Running a shared sandbox"). `state_path`, its older name, is read.
    database: str = ":memory:"
    token_lifetime_ms: int = 30 * 60 * 1000
    # An expired token may still be renewed (a new one is issued) for this long after expiry.
    renew_grace_ms: int = 24 * 60 * 60 * 1000
    quote_lifetime_ms: int = 60_000
    new_delay_ms: int = 200
    fill_delay_ms: int = 300
    delay_jitter_ms: int = 100
    max_body_bytes: int = 64 * 1024
    validate_responses: bool = False
    access_log: bool = True  # a line per request on stdout (gunicorn's access log)
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
    # A signed unsafe request (POST, DELETE) is good once within its Date window: "refuse-unsafe";
    # "allow" accepts replays, as a venue without a nonce may.
    hmac_replay: str = "refuse-unsafe"

    @classmethod
    def default(cls, **overrides: Any) -> Config:
        """The shipped users and orgs with the default settings, then `overrides`."""
        return cls.from_mapping(_defaults(), **overrides)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> Config:
        """A TOML file in the shape of default_config.toml, over the defaults.

        Its settings replace the default ones key by key. Users and orgs go together: a file
        with [[users]] or [[orgs]] provisions its own (and only those); a file of settings
        alone keeps the default users and orgs, so the example login still works.
        """
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as exc:
            raise ValueError(f"config file {str(path)!r}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"config file {str(path)!r} is not TOML: {exc}") from None
        if "users" in data or "orgs" in data:
            return cls.from_mapping(data, **overrides)
        return cls.from_mapping({**_defaults(), **data}, **overrides)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], **overrides: Any) -> Config:
        settings = {k: v for k, v in data.items() if k not in ("users", "orgs")}
        if "state_path" in settings:  # the key's name before PostgreSQL could hold the state
            settings.setdefault("database", settings.pop("state_path"))
        settings = _typed(cls, {**settings, **overrides}, "")
        users = tuple(_user(u, i) for i, u in enumerate(_tables(data, "users")))
        orgs = tuple(_org(o, i) for i, o in enumerate(_tables(data, "orgs")))
        config = cls(users=users, orgs=orgs, **settings)
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
        for name in DURATIONS:
            if getattr(self, name) > MAX_DURATION_MS:
                raise ValueError(f"{name} must be at most {MAX_DURATION_MS} (a year)")
        self._check_controls()

    def _check_controls(self) -> None:
        if self.clock not in ("system", "manual"):
            raise ValueError("clock must be 'system' or 'manual'")
        if not 0.0 <= self.reject_probability <= 1.0:
            raise ValueError("reject_probability must be between 0 and 1")
        if self.hmac_replay not in HMAC_REPLAY_POLICIES:
            raise ValueError(f"hmac_replay must be one of {', '.join(HMAC_REPLAY_POLICIES)}")
        if self.hang_ms < 0 or self.journal_size <= 0:
            raise ValueError("hang_ms must not be negative and journal_size must be positive")
        Progression.parse(self.progression)

    def find_user(self, user: str, org: str) -> User | None:
        return next((u for u in self.users if u.user == user and u.org == org), None)

    def find_org(self, name: str) -> Org | None:
        return next((o for o in self.orgs if o.name == name), None)

    def example_user(self) -> User | None:
        """The login to show people: one who can log in and trade, else any who can log in."""
        orgs = {org.name for org in self.orgs}
        can_log_in = [user for user in self.users if user.org in orgs]
        traders = [user for user in can_log_in if user.trading]
        return next(iter(traders or can_log_in), None)


# The settings that are durations. Each is added to an epoch-milliseconds time and stored: past
# 64 bits that fails in the store, at every login say. A year is longer than any session needs
# (the control API's tokenLifetimeMs has the same bound).
DURATIONS = (
    "token_lifetime_ms",
    "renew_grace_ms",
    "quote_lifetime_ms",
    "new_delay_ms",
    "fill_delay_ms",
    "delay_jitter_ms",
    "hang_ms",
)
MAX_DURATION_MS = 365 * 24 * 60 * 60 * 1000

_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
}


def _defaults() -> dict[str, Any]:
    text = resources.files("integral_mock").joinpath("default_config.toml").read_text("utf-8")
    return tomllib.loads(text)


def _tables(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    tables = data.get(name, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ValueError(f"{name} must be [[{name}]] tables")
    return tables


def _typed(kind: type, values: dict[str, Any], where: str) -> dict[str, Any]:
    """`values` checked against `kind`'s fields: each known, each of its field's type."""
    fields = {f.name: str(f.type) for f in dataclasses.fields(kind)}
    checked = {}
    for key, value in values.items():
        if key not in fields or key in ("users", "orgs"):
            raise ValueError(f"unknown configuration key {where}{key!r}")
        checked[key] = _of_type(f"{where}{key}", value, fields[key])
    return checked


def _of_type(key: str, value: Any, annotation: str) -> Any:
    if annotation.startswith("tuple[str"):
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValueError(f"{key} = {value!r}: expected a list of strings")
    # bool is an int to Python, never to a config file; an int is a fine float.
    ok = isinstance(value, {"int": int, "float": int | float, "str": str, "bool": bool}[annotation])
    if ok and (annotation == "bool" or not isinstance(value, bool)):
        return float(value) if annotation == "float" else value
    raise ValueError(f"{key} = {value!r}: expected {_EXPECTED[annotation]}")


def _user(table: dict[str, Any], index: int) -> User:
    missing = [k for k in ("user", "password", "org") if k not in table]
    if missing:
        raise ValueError(f"users[{index}] lacks {', '.join(missing)}")
    return User(**_typed(User, table, f"users[{index}]."))


def _org(table: dict[str, Any], index: int) -> Org:
    if "name" not in table:
        raise ValueError(f"orgs[{index}] lacks name")
    return Org(**_typed(Org, table, f"orgs[{index}]."))
