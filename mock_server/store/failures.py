"""What the store raises when a database cannot be used: one line for `serve` to print."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be reached, or holds what this sandbox cannot use."""


class StoreUnavailable(StoreError):
    """The database went out of reach mid-request (a server down, a link cut): try again."""
