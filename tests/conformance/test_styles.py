"""Certify on the command line: clients in the styles users write them, good ones and flawed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conformance.support import certify_cli, judged

# (client, scenario, rule → words of its detail: each must pass)
GOOD = [
    # A first wait of 13 ms, then others drawn anywhere below the cap: not hammering.
    ("full_jitter", "poll-500", {"backoff": "1 retry sequence(s), paced and bounded"}),
    ("full_jitter", "truncated-poll", {"backoff": "paced and bounded"}),
    # requests + urllib3's Retry: its first retry comes 2 ms after the 500; the cookie jar
    # carries the token.
    ("requests_session", "poll-500", {"backoff": "paced and bounded", "json-requests": ""}),
    ("requests_session", "poll-429", {"retry-after": "waited out", "stop-at-final": ""}),
    ("requests_session", "placement-hangs", {"lookup-before-replace": "", "stop-at-final": ""}),
    # Shell, curl and jq: curl's --retry waits a second after the 500, honours Retry-After.
    ("curl_client.sh", "poll-500", {"backoff": "", "stop-at-final": ""}),
    ("curl_client.sh", "lost-placement-answer", {"lookup-before-replace": "", "fresh-quote": ""}),
    # Its fill confirmed by the order's trades, as the STP workflow does, not by its status.
    ("confirms_by_trades", "happy-path", {"final-status-reported": "exit 0", "poll-interval": ""}),
    ("exponential_poller", "slow-fill", {"poll-interval": "never over 10/s", "stop-at-final": ""}),
    ("retry_after_date", "poll-429", {"retry-after": "waited out 1 Retry-After(s)"}),
    (
        "renews_ahead",
        "token-expiry",
        {"token-renewal": "renewed", "token-reuse": "1 login(s) and "},
    ),
    ("renews_on_401", "token-expiry", {"token-renewal": "recovered from", "token-reuse": ""}),
    # No login at all: every call signed. token-reuse has nothing to judge.
    ("hmac_signer", "happy-path", {"json-requests": "", "final-status-reported": "FILLED"}),
    # Opened again after the cut-off answer, which left the connection unusable.
    ("keep_alive", "truncated-poll", {"backoff": "", "stop-at-final": ""}),
    ("polls_active_list", "poll-429", {"retry-after": "", "stop-at-final": ""}),
    ("polls_active_list", "slow-fill", {"poll-interval": "", "final-status-reported": "FILLED"}),
    (
        "polls_by_coid",
        "placement-hangs",
        {"lookup-before-replace": "looked up", "no-double-placement": "", "stop-at-final": ""},
    ),
]


@pytest.mark.parametrize(
    ("client", "scenario", "passes"), GOOD, ids=[f"{g[0]}-{g[1]}" for g in GOOD]
)
def test_a_good_client_in_its_style_passes(
    client: str, scenario: str, passes: dict[str, str], tmp_path: Path
) -> None:
    if client.endswith(".sh") and not (shutil.which("curl") and shutil.which("jq")):
        if os.environ.get("CI"):  # .ci/run installs both: a skip there would hide the test
            pytest.fail("CI is set but curl or jq is not installed")
        pytest.skip("curl and jq are not installed")
    done = certify_cli(scenario, client, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    found = judged(tmp_path)
    assert "fail" not in {verdict for verdict, _ in found.values()}, done.stdout
    for rule, words in passes.items():
        verdict, detail = found[rule]
        assert verdict == "pass", (rule, detail)
        assert words in detail, (rule, detail)


# (client, scenario, the rules it breaks, words of the verdict that name the flaw, exit status)
FLAWED = [
    # A renewal is no login, but one before every call throws a fresh token away each time.
    ("renews_per_call", "happy-path", {"token-reuse"}, "renewal(s) of a fresh token", 1),
    ("hammers_at_100_hz", "slow-fill", {"poll-interval"}, "reads of order", 1),
    # The FULL book is the same quotes by another door: Retry-After holds it back too.
    (
        "falls_back_to_full_book",
        "rate-503",
        {"retry-after"},
        "reads of rates called again before its Retry-After passed",
        1,
    ),
    (
        "hammers_trade_download",
        "slow-fill",  # a second of empty answers, however loaded the machine
        {"poll-interval"},
        "reads of /v2/trades/stp/messages (empty)",
        1,
    ),
    # Waiting for a better price by reading the rate a hundred times a second.
    ("hammers_rates", "happy-path", {"poll-interval"}, "reads of /v2/rates/spot for EUR/USD", 1),
    # The same coId again keeps it from filling twice: only the should rule fails, exit 0.
    (
        "replaces_after_timeout",
        "placement-hangs",
        {"lookup-before-replace"},
        "placed again without looking the order up first",
        0,
    ),
    (
        "never_renews",
        "token-expiry",
        {"token-renewal", "final-status-reported"},
        "called again with a refused token",
        1,
    ),
]


@pytest.mark.parametrize(
    ("client", "scenario", "broken", "words", "status"), FLAWED, ids=[f[0] for f in FLAWED]
)
def test_a_flawed_client_in_its_style_fails_by_its_flaw(
    client: str, scenario: str, broken: set[str], words: str, status: int, tmp_path: Path
) -> None:
    done = certify_cli(scenario, client, tmp_path)
    assert done.returncode == status, done.stdout + done.stderr
    assert words in done.stdout
    found = judged(tmp_path)
    assert {rule for rule, (verdict, _) in found.items() if verdict == "fail"} == broken
