"""Helpers of the store tests: a module's own PostgreSQL server and fresh databases on it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.pg_cluster import Cluster, running_cluster

_names = itertools.count(1)


@pytest.fixture(scope="module", name="cluster")
def module_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the module, started only if a test needs it."""
    with running_cluster() as cluster:
        yield cluster


def fresh_postgres(cluster: Cluster) -> str:
    """The URL of a new database of its own on `cluster`."""
    return cluster.create_database(f"store_{next(_names)}")
