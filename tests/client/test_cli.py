"""`python -m integral_mock.client trade …` prints each PQ workflow step; `trades` the downloads."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest

from integral_mock.client.cli import DEFAULTS, EXIT_ERROR, EXIT_NOT_FILLED, main
from integral_mock.client.results import execution_time


@pytest.fixture(autouse=True)
def _no_integral_environment(monkeypatch):
    """The defaults under test, whatever INTEGRAL_* the surrounding shell exports."""
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)


def _factory(make_client):
    return lambda base_url, **credentials: make_client(credentials)


def test_trade_prints_rate_order_each_status_and_the_fill(sandbox, make_client, capsys):
    argv = ["trade", "EUR/USD", "Buy", "1000000", "--base-url", sandbox.base_url]

    code = main(argv, make_client=_factory(make_client))

    lines = capsys.readouterr().out.splitlines()
    steps = [line.split()[0] for line in lines]
    assert code == 0
    assert steps[:3] == ["rate", "placed", "status"]
    assert steps[-1] == "filled"
    assert lines[0].startswith("rate     EUR/USD bid ")
    assert "Buy 1000000 EUR EUR/USD at " in lines[1]
    statuses = [line.split()[1] for line in lines if line.startswith("status")]
    assert statuses[0] == "RECEIVED"
    assert statuses[-1] == "FILLED"
    assert lines[-1].startswith("filled   1000000 EUR at ")


def test_a_rejection_is_reported_with_its_reason(sandbox, make_client, admin, capsys):
    admin.outcome(outcome="REJECTED", reason="CREDIT_LIMIT: over the line")
    argv = ["trade", "GBP/USD", "Sell", "1000", "--base-url", sandbox.base_url]

    code = main(argv, make_client=_factory(make_client))

    lines = capsys.readouterr().out.splitlines()
    assert code == EXIT_NOT_FILLED
    assert lines[-1].startswith("failed ")
    assert lines[-1].endswith("is REJECTED: CREDIT_LIMIT: over the line")


def test_an_api_error_is_reported_on_stderr(sandbox, make_client, capsys, monkeypatch):
    monkeypatch.setenv("INTEGRAL_PASSWORD", "viewer-pass")
    argv = ["trade", "EUR/USD", "Sell", "1000", "--base-url", sandbox.base_url, "--user", "viewer"]

    code = main(argv, make_client=_factory(make_client))

    captured = capsys.readouterr()
    assert code == EXIT_ERROR
    assert "HTTP 403 FORBIDDEN" in captured.err
    assert captured.out.startswith("rate ")


def test_the_module_runs_as_a_command():
    result = subprocess.run(
        [sys.executable, "-m", "integral_mock.client", "trade", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )

    assert "INTEGRAL_BASE_URL" in result.stdout
    assert "--base-url" in result.stdout


def test_trades_prints_each_trade_once(sandbox, make_client, capsys):
    filled = make_client().trade_pq("EUR/USD", "Buy", 1000, co_id="cli-trade")
    argv = ["trades", "--base-url", sandbox.base_url, "--max-count", "1"]

    first = main(argv, make_client=_factory(make_client))
    lines = capsys.readouterr().out.splitlines()
    second = main(argv, make_client=_factory(make_client))

    executed = execution_time(dt.datetime.fromtimestamp(filled.transact_time / 1000, dt.UTC))
    assert (first, second) == (0, 0)
    assert lines == [
        f"trade    FXI{filled.order_id} NEW Buy 1000 EUR EUR/USD at {filled.average_price}"
        f" {executed} cli-trade",
        "done     1 trades",
    ]
    assert capsys.readouterr().out == "done     0 trades\n"


def test_trades_reports_a_refusal_on_stderr(sandbox, make_client, capsys, monkeypatch):
    monkeypatch.setenv("INTEGRAL_PASSWORD", "wrong")

    code = main(["trades", "--base-url", sandbox.base_url], make_client=_factory(make_client))

    assert code == EXIT_ERROR
    assert "HTTP 401" in capsys.readouterr().err


def test_an_errors_notes_say_what_to_do_next(sandbox, make_client, admin, capsys):
    make_client().trade_pq("EUR/USD", "Buy", 1000)
    admin.fault(method="GET", path="/v2/trades/stp/messages", fault="reset-after", times=1)

    code = main(["trades", "--base-url", sandbox.base_url], make_client=_factory(make_client))

    err = capsys.readouterr().err.splitlines()
    assert code == EXIT_ERROR
    assert err[0].startswith("error: GET /v2/trades/stp/messages: ")
    assert err[1] == "trades in a lost answer are consumed; resend_trades gets them back"


def _nothing_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed again: nothing listens


def test_nothing_listening_is_one_plain_line(capsys):
    code = main(["trade", "EUR/USD", "Buy", "1000", "--base-url", _nothing_listening()])
    assert code == EXIT_ERROR
    err = capsys.readouterr().err
    assert err == "error: POST /v2/sso/login: cannot connect (Connection refused)\n"


def test_a_base_url_without_a_scheme_is_refused_before_any_call(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["trade", "EUR/USD", "Buy", "1000", "--base-url", "127.0.0.1:8080"])
    assert exited.value.code == 2
    assert (
        "--base-url '127.0.0.1:8080' must start with http:// or https://" in capsys.readouterr().err
    )


@pytest.mark.parametrize("timeout", ["nan", "-1", "inf", "soon"])
def test_a_timeout_that_is_no_duration_is_a_usage_error(capsys, timeout):
    with pytest.raises(SystemExit) as caught:
        main(["trade", "EUR/USD", "Buy", "1000", "--timeout", timeout])

    assert caught.value.code == 2
    assert "--timeout" in capsys.readouterr().err
