"""Settings that would make the client hang, hammer or crash are refused when it is built."""

from __future__ import annotations

import pytest

from integral_mock.client import RetryPolicy
from tests.client.fake_server import client_of

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "settings",
    [{"retries": -1}, {"max_retry_after": NAN}, {"max_retry_after": INF}, {"max_retry_after": -1}],
)
def test_a_retry_policy_that_could_sleep_for_ever_or_never_try_is_refused(settings):
    # NaN never compares greater, so a Retry-After of 10^400 s would be slept: time.sleep(inf).
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**settings)


@pytest.mark.parametrize("margin", [NAN, -1.0, INF])
def test_a_renew_margin_that_is_no_duration_is_refused(server, time_, margin):
    # NaN would never renew, a negative margin only after the token died.
    with pytest.raises(ValueError, match="renew_margin"):
        client_of(server, time_, renew_margin=margin)
