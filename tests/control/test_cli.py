"""`integral-mock serve` flags for the controls, and the admin token off loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from integral_mock.cli import _parser, build_config
from integral_mock.config import Config
from tests.serve_process import serve_banner

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


def _config(*flags: str) -> Config:
    return build_config(_parser().parse_args(["serve", "--ephemeral", *flags]))


def test_defaults_leave_every_control_off() -> None:
    config = _config()
    assert (config.clock, config.admin_token, config.sandbox_headers) == ("system", "", True)
    assert (config.latency, config.progression, config.reject_probability) == ("", "time", 0.0)


def test_control_flags() -> None:
    config = _config(
        *("--clock", "manual", "--admin-token", "T", "--no-sandbox-headers"),
        *("--latency", "uniform:5-10", "--progression", "polls:2", "--reject-probability", "0.1"),
    )
    assert config.clock == "manual"
    assert config.admin_token == "T"
    assert config.sandbox_headers is False
    assert (config.latency, config.progression, config.reject_probability) == (
        "uniform:5-10",
        "polls:2",
        0.1,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "sandbox.internal"])
def test_off_loopback_an_admin_token_is_always_set(host: str) -> None:
    assert len(_config("--host", host).admin_token) >= 24
    assert _config("--host", host, "--admin-token", "mine").admin_token == "mine"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_on_loopback_the_admin_api_stays_open(host: str) -> None:
    assert _config("--host", host).admin_token == ""


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--latency", "fast"), "latency"),
        (("--progression", "whenever"), "progression"),
        (("--reject-probability", "2"), "reject_probability"),
    ],
)
def test_bad_control_flags_are_refused(flags: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _config(*flags)


def test_controls_from_a_config_file(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text(
        'clock = "manual"\nreject_probability = 0.25\njournal_size = 10\n'
        '[[orgs]]\nname = "o"\n[[users]]\nuser = "u"\npassword = "p"\norg = "o"\n'
    )
    config = _config("--config", str(path))
    assert (config.clock, config.reject_probability, config.journal_size) == ("manual", 0.25, 10)


def _serve_output(tmp_path: Path, *flags: str) -> str:
    """What a real `serve` prints once it listens."""
    return serve_banner(tmp_path, "--ephemeral", "--port", "0", *flags)


def test_a_made_up_admin_token_is_printed(tmp_path: Path) -> None:
    assert "admin token:" in _serve_output(tmp_path, "--host", "0.0.0.0")


def test_a_given_admin_token_is_never_printed(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('admin_token = "from-the-file"\n[[orgs]]\nname = "o"\n')
    for flags in (("--config", str(path)), ("--admin-token", "from-the-flag")):
        out = _serve_output(tmp_path, "--host", "0.0.0.0", *flags)
        assert "admin token:" not in out
        assert "from-the" not in out
