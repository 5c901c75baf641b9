"""`integral-mock serve` mistakes: one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from integral_mock import cli
from tests.helpers import EXAMPLE_LOGIN
from tests.serve_process import serve_banner

# Picks its stores itself (served processes, files, explicit URLs): tox -e postgres skips it.
pytestmark = pytest.mark.own_engine


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "integral_mock", *args]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "sandbox.toml"
    path.write_text(text)
    return str(path)


MISTAKES = {
    "a missing --config": (lambda p: ["--config", str(p / "nowhere.toml")], "No such file"),
    "a directory as --config": (lambda p: ["--config", str(p)], "Is a directory"),
    "a config that is not TOML": (lambda p: ["--config", _config(p, "seed = = 1")], "not TOML"),
    'seed = "abc"': (
        lambda p: ["--config", _config(p, 'seed = "abc"\n')],
        "seed = 'abc': expected a whole number",
    ),
    'token_lifetime_ms = "soon"': (
        lambda p: ["--config", _config(p, 'token_lifetime_ms = "soon"\n')],
        "token_lifetime_ms = 'soon': expected a whole number",
    ),
    "a token lifetime past a year": (
        lambda p: ["--config", _config(p, "token_lifetime_ms = 100000000000000000000\n")],
        "token_lifetime_ms must be at most 31536000000 (a year)",
    ),
    "a user without a password": (
        lambda p: [
            "--config",
            _config(p, '[[orgs]]\nname = "o"\n[[users]]\nuser = "u"\norg = "o"\n'),
        ],
        "users[0] lacks password",
    ),
    "an unknown key": (
        lambda p: ["--config", _config(p, "colour = 1\n")],
        "unknown configuration key 'colour'",
    ),
    "--port 99999": (lambda p: ["--port", "99999"], "is not a port"),
    "--connections 0": (lambda p: ["--connections", "0"], "must be at least 1"),
    "an unwritable --state": (
        lambda p: ["--state", str(p / "no" / "such" / "dir.sqlite3")],
        "cannot be used",
    ),
    "a junk state file": (lambda p: ["--state", _junk(p)], "cannot be used"),
    "a bad --latency": (lambda p: ["--latency", "fast"], "latency"),
}


def _junk(tmp_path: Path) -> str:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    return str(path)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_is_one_clear_line_and_a_non_zero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mistake: str
) -> None:
    flags, said = MISTAKES[mistake]
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "0", *flags(tmp_path)])
    out = capsys.readouterr()
    # Ours exit with the line itself; argparse's with 2, after its usage and one error line.
    line = exited.value.code if isinstance(exited.value.code, str) else out.err.splitlines()[-1]
    assert exited.value.code != 0
    assert said in line
    assert line.startswith("integral-mock")
    assert "Traceback" not in out.err
    assert "listening" not in out.out  # refused before it said it listens


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    banner = serve_banner(tmp_path, "--ephemeral", "--port", "0")
    port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner)
    assert port
    # The first process is stopped by now; hold its port with a listener of our own.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", int(port[1])))
        holder.listen()
        run = _run(tmp_path, "serve", "--ephemeral", "--port", port[1])
    assert run.returncode != 0
    assert f"integral-mock: cannot listen on 127.0.0.1:{port[1]}" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_banner_says_the_real_port_once_bound_and_the_login_it_shows_works(
    tmp_path: Path,
) -> None:
    settings_only = _config(tmp_path, "quote_lifetime_ms = 5000\n")
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integral_mock",
            "serve",
            "--ephemeral",
            "--port",
            "0",
            "--config",
            settings_only,
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", first)
            assert port, first
            assert int(port[1]) > 0
            lines = [process.stdout.readline() for _ in range(3)]
            assert EXAMPLE_LOGIN["pass"] in lines[-1]  # a settings-only file keeps the defaults
            login = requests.post(
                f"http://127.0.0.1:{port[1]}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=10
            )
            assert login.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_a_config_of_other_users_prints_a_login_template_not_their_password(
    tmp_path: Path,
) -> None:
    mine = _config(
        tmp_path, '[[orgs]]\nname = "o"\n[[users]]\nuser = "u"\npassword = "hunter2"\norg = "o"\n'
    )
    banner = serve_banner(tmp_path, "--ephemeral", "--port", "0", "--config", mine)
    assert '"user": "u", "pass": "<its password>", "org": "o"' in banner
    assert "hunter2" not in banner


def test_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "integral_mock", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0
    assert re.fullmatch(r"integral-mock \d+\.\d+\.\d+\S*\n", run.stdout)
