"""The reference client's `trade` takes its task from INTEGRAL_*, as certify hands it over."""

from __future__ import annotations

import subprocess

import pytest

from tests.conformance.support import REFERENCE, sandbox

TASK = {"INTEGRAL_SYMBOL": "USD/JPY", "INTEGRAL_SIDE": "Sell", "INTEGRAL_SIZE": "250000"}


def trade(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REFERENCE, *args], capture_output=True, text=True, timeout=60, env=env)


def test_trade_reads_symbol_side_size_and_currency_from_the_environment() -> None:
    with sandbox() as url:
        env = {"PATH": "/usr/bin:/bin", "INTEGRAL_BASE_URL": url, **TASK}
        done = trade(env | {"INTEGRAL_CURRENCY": "JPY"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sell 250000 JPY USD/JPY" in done.stdout


@pytest.mark.parametrize("missing", sorted(TASK))
def test_trade_without_its_task_says_what_is_missing(missing: str) -> None:
    env = {k: v for k, v in TASK.items() if k != missing} | {"PATH": "/usr/bin:/bin"}
    done = trade(env)
    assert done.returncode == 2
    name = missing.removeprefix("INTEGRAL_").lower()
    assert f"trade needs {name}" in done.stderr
    assert "Traceback" not in done.stderr


def test_arguments_still_win_over_the_environment() -> None:
    with sandbox() as url:
        env = {"PATH": "/usr/bin:/bin", "INTEGRAL_BASE_URL": url, **TASK}
        done = trade(env, "EUR/USD", "Buy", "100000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Buy 100000 EUR EUR/USD" in done.stdout
