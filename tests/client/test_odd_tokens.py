"""Login answers with odd expiry times, skewed server clocks, and 401s that will not stop."""

from __future__ import annotations

import pytest

from integral_mock.client import OrderStatus, TransportError, Unauthorized
from tests.client.fake_server import LOGIN, RATE, SPOT, START, Answer, error, login_ok
from tests.client.test_odd_orders import _order

RENEW = "/v2/sso/token/renew"
ONE = "/v2/orders/1"
HOUR = 3_600_000


def _login(expiry: object, server_time: object) -> Answer:
    answer = login_ok("the-token-0123456789")
    answer.body |= {"expiryTime": expiry, "serverUTCTime": server_time}
    return answer


def _renewal(token: str, lifetime_ms: int) -> Answer:
    return login_ok(token, lifetime_ms, valid=True, apiVersion="1.0.1", expired=False)


def _calls(odd, time_, count: int, every: float) -> None:
    for _ in range(count):
        assert odd.get_spot_rate("EUR/USD").rate_id == "r1"
        time_.now += every


@pytest.mark.parametrize(
    ("expiry", "server_time"),
    [(START - 1000, START), (START, START), ((START + 1_800_000) // 1000, START)],
    ids=["in the past", "now", "expiry in seconds, server time in ms"],
)
def test_a_token_said_to_be_expired_already_is_used_until_a_401(
    server, odd, time_, expiry, server_time
):
    # Taken at its word, it would be renewed before every single call.
    server.script("POST", LOGIN, _login(expiry, server_time))
    server.script("GET", RENEW, _renewal("renewed-token-0123", 0))
    server.script("GET", SPOT, Answer(200, RATE))

    _calls(odd, time_, 5, every=10)

    assert (server.count("POST", LOGIN), server.count("GET", RENEW)) == (1, 0)


def test_times_in_seconds_are_read_as_seconds(server, odd, time_):
    # 1_800 "ms" would be renewed every second; 1_800 s is the usual half hour.
    seconds = START // 1000
    server.script("POST", LOGIN, _login(seconds + 1_800, seconds))
    server.script("GET", RENEW, _renewal("renewed-token-0123", 1_800_000))
    server.script("GET", SPOT, Answer(200, RATE))

    _calls(odd, time_, 10, every=60)  # ten minutes of calls
    assert server.count("GET", RENEW) == 0
    time_.now = 1_750  # within the 60 s margin of the half hour
    _calls(odd, time_, 1, every=0)

    assert (server.count("POST", LOGIN), server.count("GET", RENEW)) == (1, 1)


@pytest.mark.parametrize("skew", [-5 * HOUR, 7 * HOUR], ids=["5 h slow", "7 h fast"])
def test_a_server_clock_hours_off_changes_nothing(server, odd, time_, skew):
    server.script("POST", LOGIN, _login(START + skew + 1_800_000, START + skew))
    server.script("GET", RENEW, _renewal("renewed-token-0123", 1_800_000))
    server.script("GET", SPOT, Answer(200, RATE))

    _calls(odd, time_, 1, every=1_700)
    _calls(odd, time_, 1, every=0)
    assert server.count("GET", RENEW) == 0
    time_.now = 1_760
    _calls(odd, time_, 1, every=0)

    assert server.count("GET", RENEW) == 1


def test_a_token_living_for_decades_is_replaced_on_its_first_401(server, odd, time_):
    server.script("POST", LOGIN, _login(START + 10**15, START), login_ok("second-token-0123"))
    server.script("GET", SPOT, Answer(200, RATE), error(401, "TOKEN_EXPIRED"), Answer(200, RATE))

    _calls(odd, time_, 3, every=600)

    assert (server.count("POST", LOGIN), server.count("GET", RENEW)) == (2, 0)
    assert "second-token-0123" in server.seen[-1].headers["Cookie"]


@pytest.mark.parametrize("missing", ["expiryTime", "serverUTCTime"])
def test_a_login_answer_without_its_times_is_refused_once_per_call(server, odd, missing):
    answer = login_ok()
    del answer.body[missing]
    server.script("POST", LOGIN, answer)

    for _ in range(2):
        with pytest.raises(TransportError, match=missing):
            odd.get_spot_rate("EUR/USD")

    assert (server.count("POST", LOGIN), server.count("GET", SPOT)) == (2, 0)


def test_a_token_expired_mid_poll_costs_one_login(server, odd):
    polls = [Answer(200, _order(status="NEW")), error(401, "TOKEN_EXPIRED")]
    server.script("GET", ONE, *polls, Answer(200, _order(status="FILLED")))

    assert odd.wait_for_final("1").status is OrderStatus.FILLED

    assert (server.count("POST", LOGIN), server.count("GET", ONE)) == (2, 3)


def test_a_server_answering_401_to_everything_is_not_asked_for_ever(server, odd):
    server.script("GET", ONE, error(401, "TOKEN_EXPIRED"))

    with pytest.raises(Unauthorized):
        odd.wait_for_final("1")

    assert (server.count("POST", LOGIN), server.count("GET", ONE)) == (2, 2)
