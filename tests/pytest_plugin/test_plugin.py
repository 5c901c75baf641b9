"""The pytest plugin as a user meets it: installed, auto-loaded, in a project of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# A user's own test file, as the README shows it: their code, the fixtures, one assertion.
USERS_TESTS = """
import pytest
from integral_mock.client import OrderRejected


def buy_euros(client):  # the user's own code under test
    return client.trade_pq("EUR/USD", "Buy", 1_000_000)


def test_my_code_gets_a_fill(integral_client, integral_sandbox):
    order = buy_euros(integral_client)
    assert order.status.value == "FILLED"
    integral_sandbox.assert_conforms()  # and the traffic was that of a well-behaved client


@pytest.mark.integral_outcome(outcome="REJECTED", reason="CREDIT_LIMIT: over the line")
def test_my_code_sees_a_rejection(integral_client):
    with pytest.raises(OrderRejected, match="CREDIT_LIMIT"):
        buy_euros(integral_client)


@pytest.mark.integral_fault(path="/v2/rates/spot", fault="503", times=1, retryAfter=0)
def test_my_code_rides_out_a_503(integral_client, integral_sandbox):
    assert buy_euros(integral_client).status.value == "FILLED"
    assert [e["status"] for e in integral_sandbox.journal(path="/v2/rates/spot")] == [503, 200]


def test_each_test_starts_clean(integral_sandbox, integral_client):
    assert [e["path"] for e in integral_sandbox.journal()] == ["/v2/sso/login"]
    assert integral_client.active_orders() == []


def test_the_clock_is_the_tests_to_move(integral_sandbox):
    before = integral_sandbox.clock.now_ms()
    integral_sandbox.clock.advance(60_000)
    assert integral_sandbox.clock.now_ms() == before + 60_000


def test_a_client_that_logs_in_per_call_is_flagged(integral_sandbox):
    from integral_mock.client import IntegralClient
    for _ in range(4):
        with IntegralClient(integral_sandbox.base_url, user="apiUserId",
                            password="This is a long password!", org="apiOrganizationId") as c:
            c.get_spot_rate("EUR/USD")
    with pytest.raises(AssertionError, match="token-reuse"):
        integral_sandbox.assert_conforms()
"""


def _pytest_in(project: Path) -> subprocess.CompletedProcess[str]:
    """pytest run in a project of its own: no conftest of ours, the plugin by its entry point."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(project)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)


def test_a_users_project_gets_the_fixtures_markers_and_the_conformance_assertion(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_users_code.py").write_text(USERS_TESTS)
    run = _pytest_in(tmp_path)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "6 passed" in run.stdout


def test_the_plugin_costs_nothing_until_a_fixture_is_used(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import sys\n\ndef test_plain():\n    assert 'integral_mock.app' not in sys.modules\n"
    )
    run = _pytest_in(tmp_path)
    assert run.returncode == 0, run.stdout[-4000:]
