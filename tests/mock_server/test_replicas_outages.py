"""A replica killed under load loses no acknowledged order; one whose PostgreSQL restarts, or
is down while its workers restart, answers again once the server is back."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
import requests

from tests.live_sandbox import login, place, placing, spot, wait_until
from tests.mock_server.replica_support import (  # noqa: F401 - with the fixtures
    children_of,
    replica,
    replica_pair,
    replicas_database,
    reset_bases,
    worker_pids,
)
from tests.mock_server.store_support import module_cluster  # noqa: F401 - the `cluster` fixture
from tests.pg_cluster import postgres_cluster

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

THREADS = 8
WAIT_TIMEOUT_S = 30


def test_killing_a_replica_under_load_loses_no_acknowledged_order(
    database: str, bases: tuple[str, str], tmp_path: Path
) -> None:
    survivor = bases[0]
    auth = login(survivor)
    killed = threading.Event()
    with replica(tmp_path / "victim", database) as victim:

        def base_of(thread: int) -> str:
            return victim.base_url if thread % 2 and not killed.is_set() else survivor

        with placing(base_of, auth, "kill") as acknowledged:
            wait_until(
                lambda: (
                    acknowledged.count(victim.base_url) >= 20 and acknowledged.count(survivor) >= 20
                )
            )
            os.killpg(victim.process.pid, signal.SIGKILL)  # master and workers, mid-load
            victim.process.wait(timeout=WAIT_TIMEOUT_S)
            wait_until(lambda: _group_gone(victim.process.pid))
            killed.set()
            after = acknowledged.count(survivor)
            wait_until(lambda: acknowledged.count(survivor) >= after + 20)
    assert acknowledged.count(victim.base_url) >= 20
    for co_id, (order_id, _) in acknowledged.orders.items():
        found = requests.get(f"{survivor}/v2/orders/{order_id}", headers=auth, timeout=10)
        assert found.status_code == 200, (co_id, found.text)
        assert (found.json()["orderId"], found.json()["coId"]) == (order_id, co_id)


def test_a_replica_answers_again_once_its_postgresql_is_back(tmp_path: Path) -> None:
    with postgres_cluster() as own, replica(tmp_path / "alone", own.create_database("back")) as r:
        base = r.base_url
        auth = login(base)
        before = place(base, auth, "before-restart")
        assert before.status_code == 202
        own.restart()  # every worker's connection is cut; the data stays
        wait_until(
            lambda: requests.get(f"{base}/__admin/health", timeout=10).status_code == 200,
            timeout_s=10,
        )
        with ThreadPoolExecutor(THREADS) as pool:  # on both workers, each its own connection
            quotes = list(pool.map(lambda _: spot(base, auth), range(2 * THREADS)))
        assert len(quotes) == 2 * THREADS
        assert place(base, auth, "after-restart").status_code == 202
        found = requests.get(
            f"{base}/v2/orders/{before.json()['orderId']}", headers=auth, timeout=10
        )
        assert found.json()["coId"] == "before-restart"


def test_a_worker_restarted_while_its_postgresql_is_down_waits_for_it(tmp_path: Path) -> None:
    """gunicorn stops the whole replica when a worker fails to boot: one restarted while the
    database is out of reach waits for it instead, and the replica answers once it is back."""
    with postgres_cluster() as own, replica(tmp_path / "alone", own.create_database("down")) as r:
        base = r.base_url
        auth = login(base)
        with own.stopped():
            killed = worker_pids(r)
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            # The master starts new workers, which find no database and wait for it.
            wait_until(lambda: len(children_of(r) - killed) == 2)
            assert r.process.poll() is None
        wait_until(lambda: _healthy(base), timeout_s=30)
        assert place(base, auth, "after-the-outage").status_code == 202
        assert r.process.poll() is None


def _healthy(base: str) -> bool:
    with suppress(requests.RequestException):
        return requests.get(f"{base}/__admin/health", timeout=5).status_code == 200
    return False


def _group_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False
