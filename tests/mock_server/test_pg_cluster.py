"""tests/pg_cluster.py: a throwaway PostgreSQL server that answers, and is gone afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import pg_cluster
from tests.pg_cluster import Cluster, postgres_cluster
from tests.pg_tools import require_binaries

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

try:
    import psycopg
except ImportError:  # require_binaries() skips, or fails under CI
    psycopg = None


@pytest.fixture(autouse=True, scope="module")
def _binaries() -> None:
    require_binaries()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with postgres_cluster() as cluster:
        yield cluster


def test_the_cluster_answers_select_1_over_tcp_and_over_its_socket(cluster: Cluster) -> None:
    hosts = []
    for url in (cluster.url(), cluster.socket_url()):
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
            assert connection.info.port == cluster.port
            hosts.append(connection.info.host)
    assert hosts == ["127.0.0.1", str(cluster.socket_dir)]
    assert (cluster.socket_dir / f".s.PGSQL.{cluster.port}").is_socket()


def test_the_cluster_runs_with_the_settings_tests_want(cluster: Cluster) -> None:
    with psycopg.connect(cluster.url()) as connection:
        shown = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("fsync", "max_connections", "listen_addresses", "server_encoding")
        }
    assert shown == {
        "fsync": "off",
        "max_connections": "300",
        "listen_addresses": "127.0.0.1",
        "server_encoding": "UTF8",
    }


def test_create_database_gives_a_separate_usable_database(cluster: Cluster) -> None:
    url = cluster.create_database("first_one")
    assert url == cluster.url("first_one")
    with psycopg.connect(url, autocommit=True) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("first_one",)
        connection.execute("CREATE TABLE kept (n int)")
        connection.execute("INSERT INTO kept VALUES (7)")
        assert connection.execute("SELECT n FROM kept").fetchall() == [(7,)]
    other = cluster.create_database("second_one")
    with psycopg.connect(other) as connection:
        listed = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'"
        ).fetchone()
        assert listed == (0,)  # a table of first_one is not in second_one
    with psycopg.connect(cluster.url()) as connection:
        names = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
    assert {"first_one", "second_one"} <= names


def test_a_restart_loses_open_connections_and_answers_new_ones_with_its_data() -> None:
    with postgres_cluster() as cluster:
        url = cluster.create_database("kept")
        with psycopg.connect(url, autocommit=True) as before:
            before.execute("CREATE TABLE t (n int)")
            before.execute("INSERT INTO t VALUES (1)")
            pid = before.info.backend_pid
            cluster.restart()
            with pytest.raises(psycopg.OperationalError):
                before.execute("SELECT 1")
        with psycopg.connect(url) as after:
            assert after.info.port == cluster.port
            assert after.info.backend_pid != pid
            assert after.execute("SELECT n FROM t").fetchall() == [(1,)]


def test_after_the_context_the_server_is_stopped_and_its_directory_gone() -> None:
    with postgres_cluster() as cluster:
        with psycopg.connect(cluster.url()) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        assert (cluster.data / "postmaster.pid").exists()
    assert not cluster.directory.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(), connect_timeout=3)


def test_the_cluster_is_stopped_and_removed_when_the_body_raises() -> None:
    with pytest.raises(ZeroDivisionError), postgres_cluster() as cluster:
        _ = 1 / 0
    assert not cluster.directory.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(), connect_timeout=3)


def test_two_clusters_at_once_have_ports_and_folders_of_their_own() -> None:
    with postgres_cluster() as one, postgres_cluster() as two:
        assert one.port != two.port
        assert one.directory != two.directory
        with psycopg.connect(one.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE only_in_one")
        with psycopg.connect(two.url()) as connection:
            found = connection.execute(
                "SELECT count(*) FROM pg_database WHERE datname = 'only_in_one'"
            ).fetchone()
        assert found == (0,)


def test_a_server_that_cannot_start_is_an_error_that_shows_its_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(pg_cluster.SETTINGS, "shared_buffers", "not-a-size")
    with pytest.raises(RuntimeError, match="did not start") as raised, postgres_cluster():
        pytest.fail("the body ran without a server")
    assert 'invalid value for parameter "shared_buffers"' in str(raised.value)
