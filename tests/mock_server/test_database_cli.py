"""`integral-mock serve --database URL`: a SQLite file or a PostgreSQL database, as a real
process; mistakes in one line, a password never printed, an ephemeral schema removed on exit."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live_sandbox import login, place
from tests.pg_cluster import Cluster, postgres_cluster
from tests.pg_tools import require_binaries
from tests.serve_process import free_port, serve_banner, serve_process

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine

EXIT_TIMEOUT_S = 30
SECRET = "hunter2-not-for-logs"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    require_binaries()
    with postgres_cluster() as cluster:
        yield cluster


def _serve(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`serve *args` expected to stop by itself (a refused flag or database)."""
    command = [sys.executable, "-m", "integral_mock", "serve", "--port", "0", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=EXIT_TIMEOUT_S)


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The run exited non-zero with one line on stderr, no traceback; that line."""
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("integral-mock: "), lines
    return lines[0]


def _schemas(cluster: Cluster, database: str) -> dict[str, set[str]]:
    """The integral_mock_* schemas of `database`, each with its tables."""
    import psycopg

    with psycopg.connect(cluster.url(database)) as connection:
        names = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'integral\\_mock\\_%'"
        ).fetchall()
        return {
            name: {
                table
                for (table,) in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s", (name,)
                )
            }
            for (name,) in names
        }


def _stopped(process: subprocess.Popen[bytes]) -> int:
    process.terminate()  # SIGTERM
    return process.wait(timeout=EXIT_TIMEOUT_S)


# --- SQLite -------------------------------------------------------------------------------


def test_database_sqlite_url_stores_into_that_file_across_a_restart(tmp_path: Path) -> None:
    flags = ("--database", "sqlite:///kept.sqlite3", "--workers", "1", "--no-access-log")
    with serve_process(tmp_path, *flags) as served:
        answer = place(served.base_url, login(served.base_url), "kept-order")
        assert answer.status_code == 202, answer.text
        order_id = answer.json()["orderId"]
        assert _stopped(served.process) == 0
    assert "(state: kept.sqlite3)" in served.log.read_text()
    assert (tmp_path / "kept.sqlite3").stat().st_size > 0
    assert not (tmp_path / "integral-mock.sqlite3").exists()  # not the default file
    with serve_process(tmp_path, *flags) as served:
        auth = login(served.base_url)
        found = requests.get(f"{served.base_url}/v2/orders/{order_id}", headers=auth, timeout=10)
    assert found.status_code == 200, found.text
    assert found.json()["coId"] == "kept-order"


def test_an_unknown_scheme_is_one_line_naming_it(tmp_path: Path) -> None:
    line = _one_line_error(_serve(tmp_path, "--database", "mysql://x/y"))
    assert "mysql://" in line
    assert not list(tmp_path.iterdir())  # no state file made on the way


def test_state_and_database_together_are_refused_by_argparse(tmp_path: Path) -> None:
    done = _serve(tmp_path, "--state", "a.sqlite3", "--database", "sqlite:///b.sqlite3")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith("argument --database: not allowed with argument --state")
    )
    assert not list(tmp_path.iterdir())


def test_ephemeral_with_a_sqlite_database_is_one_line(tmp_path: Path) -> None:
    line = _one_line_error(_serve(tmp_path, "--ephemeral", "--database", "sqlite:///x"))
    assert "--ephemeral" in line
    assert not list(tmp_path.iterdir())


# --- PostgreSQL ---------------------------------------------------------------------------


def test_the_banner_hides_the_password_of_a_postgresql_url(
    tmp_path: Path, cluster: Cluster
) -> None:
    cluster.create_database("banner")
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{cluster.port}/banner"
    banner = serve_banner(tmp_path, "--port", "0", "--workers", "1", "--database", url)
    assert "integral-mock listening on" in banner
    assert f"postgresql://postgres:***@127.0.0.1:{cluster.port}/banner" in banner
    assert SECRET not in banner


def test_ephemeral_postgresql_makes_a_schema_of_its_own_and_drops_it_on_exit(
    tmp_path: Path, cluster: Cluster
) -> None:
    url = cluster.create_database("ephemeral")
    assert _schemas(cluster, "ephemeral") == {}
    flags = ("--ephemeral", "--database", url, "--workers", "2", "--no-access-log")
    with serve_process(tmp_path, *flags) as served:
        answer = place(served.base_url, login(served.base_url), "in-the-schema")
        assert answer.status_code == 202, answer.text
        running = _schemas(cluster, "ephemeral")
        assert len(running) == 1, running
        [(schema, tables)] = running.items()
        assert {"orders", "tokens", "schema_version", "sandbox_values"} <= tables
        import psycopg

        with psycopg.connect(url) as connection:
            stored = connection.execute(f"SELECT co_id FROM {schema}.orders").fetchall()
            public = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
        assert stored == [("in-the-schema",)]
        assert public == (0,)  # nothing made outside its own schema
        assert _stopped(served.process) == 0, served.log.read_text()
    assert _schemas(cluster, "ephemeral") == {}, served.log.read_text()


def _unreachable(cwd: Path, password: str) -> tuple[subprocess.CompletedProcess[str], int]:
    port = free_port()  # nobody listens there
    userinfo = f"postgres:{password}" if password else "postgres"
    return _serve(cwd, "--database", f"postgresql://{userinfo}@127.0.0.1:{port}/x"), port


@pytest.mark.parametrize("password", ["", SECRET], ids=["no-password", "password"])
def test_a_postgresql_server_that_is_not_there_is_an_error_saying_so(
    tmp_path: Path, password: str
) -> None:
    done, port = _unreachable(tmp_path, password)
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("integral-mock: cannot connect to postgresql://postgres"), first
    assert f"@127.0.0.1:{port}/x" in first
    assert ("postgres:***@" in first) == bool(password)
    assert SECRET not in done.stderr + done.stdout
    assert "listening" not in done.stdout


def test_a_postgresql_server_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    done, _ = _unreachable(tmp_path, "")
    assert "cannot connect" in _one_line_error(done)


def test_a_role_that_may_not_create_the_tables_is_one_line(
    tmp_path: Path, cluster: Cluster
) -> None:
    import psycopg

    url = cluster.create_database("not_ours")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE ROLE visitor LOGIN")  # PostgreSQL 15: no CREATE on public
    line = _one_line_error(_serve(tmp_path, "--database", url.replace("postgres@", "visitor@")))
    assert "refused the sandbox's tables" in line
    assert "permission denied" in line
