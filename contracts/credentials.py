"""Who the suite logs in as: INTEGRAL_* for the caller, INTEGRAL_OTHER_* for a second org,
INTEGRAL_VIEWER_* for a user of the caller's org without trading permission."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    """One login of the Integral API."""

    user: str
    password: str
    org: str

    @classmethod
    def from_env(cls, prefix: str, default: Credentials) -> Credentials:
        """`{prefix}_USER`, `_PASSWORD` and `_ORG`, each falling back to `default`."""
        env = os.environ
        return cls(
            env.get(f"{prefix}_USER", default.user),
            env.get(f"{prefix}_PASSWORD", default.password),
            env.get(f"{prefix}_ORG", default.org),
        )

    def as_login(self) -> dict[str, str]:
        """The body of POST /v2/sso/login."""
        return {"user": self.user, "pass": self.password, "org": self.org}


# The docs' own example login, which the sandbox provisions out of the box.
EXAMPLE_LOGIN = Credentials("apiUserId", "This is a long password!", "apiOrganizationId")
# The sandbox's second org, used to prove that one org never sees another's orders.
SECOND_ORG_LOGIN = Credentials("traderB", "traderB-pass", "orgB")
# The sandbox's user without trading permission, in the example login's org.
VIEWER_LOGIN = Credentials("viewer", "viewer-pass", "apiOrganizationId")


def caller() -> Credentials:
    return Credentials.from_env("INTEGRAL", EXAMPLE_LOGIN)


def other_org() -> Credentials | None:
    """The second org's login; None when INTEGRAL_OTHER_USER is set empty (no second org)."""
    found = Credentials.from_env("INTEGRAL_OTHER", SECOND_ORG_LOGIN)
    return found if found.user else None


def viewer() -> Credentials | None:
    """A login without trading permission; None when INTEGRAL_VIEWER_USER is set empty."""
    found = Credentials.from_env("INTEGRAL_VIEWER", VIEWER_LOGIN)
    return found if found.user else None
