"""Reads are retried on 5xx, 429 and lost connections, within a budget, honouring Retry-After."""

from __future__ import annotations

import pytest

from integral_mock.client import BadRequest, RateLimited, RetryPolicy, ServerError, TransportError

SPOT = ("GET", "/v2/rates/spot")


def test_a_503_is_retried_after_its_retry_after(client, faults, virtual_time, recorder):
    client.login()
    faults.add(*SPOT, "status:503:2")

    rate = client.spot_rate("EUR/USD")

    assert rate.symbol == "EUR/USD"
    assert virtual_time.sleeps == [2.0]
    assert recorder.calls()[1:] == ["GET /v2/rates/spot 503", "GET /v2/rates/spot 200"]


def test_lost_connections_are_retried_with_growing_jittered_delays(client, faults, virtual_time):
    client.login()
    faults.add(*SPOT, "refuse", "timeout", "refuse")

    assert client.spot_rate("EUR/USD").symbol == "EUR/USD"

    # Default backoff: 0.1 s doubling, each wait between half and all of its ceiling.
    ceilings = [0.1, 0.2, 0.4]
    assert len(virtual_time.sleeps) == 3
    for slept, ceiling in zip(virtual_time.sleeps, ceilings, strict=True):
        assert ceiling / 2 <= slept <= ceiling


def test_the_retry_budget_bounds_the_attempts(client, faults, virtual_time, recorder):
    client.login()
    faults.add(*SPOT, *["status:500"] * 4)

    with pytest.raises(ServerError) as caught:
        client.spot_rate("EUR/USD")

    assert caught.value.error_code == "INTERNAL_ERROR"
    assert recorder.paths().count("/v2/rates/spot") == 4  # the first try and 3 retries
    assert len(virtual_time.sleeps) == 3


def test_a_retry_after_longer_than_the_policy_allows_is_raised_at_once(
    make_client, faults, virtual_time
):
    client = make_client(retry=RetryPolicy(max_retry_after=30))
    client.login()
    faults.add(*SPOT, "status:429:120")

    with pytest.raises(RateLimited) as caught:
        client.spot_rate("EUR/USD")

    assert caught.value.retry_after == 120
    assert virtual_time.sleeps == []


def test_a_bad_request_is_not_retried(client, recorder, virtual_time):
    recorder.invalid_requests_expected = True

    with pytest.raises(BadRequest):
        client.spot_rate("eur/usd")

    assert recorder.paths().count("/v2/rates/spot") == 1
    assert virtual_time.sleeps == []


def test_login_is_retried_like_a_read(client, faults, virtual_time):
    faults.add("POST", "/v2/sso/login", "status:503:1", "refuse")

    result = client.login()

    assert result.lifetime_ms > 0
    assert virtual_time.sleeps[0] == 1.0
    assert len(virtual_time.sleeps) == 2


def test_with_no_retries_the_first_failure_is_raised(make_client, faults):
    client = make_client(retry=RetryPolicy(retries=0))
    client.login()
    faults.add(*SPOT, "refuse")

    with pytest.raises(TransportError) as caught:
        client.spot_rate("EUR/USD")

    assert "injected" in str(caught.value)


def test_a_retry_after_that_is_no_count_of_seconds_falls_back_to_backoff(
    client, faults, virtual_time, recorder
):
    client.login()
    # "²" is what a Latin-1 byte 0xB2 decodes to: a digit to str.isdigit, not to float.
    faults.add(*SPOT, "status:503:²")

    assert client.spot_rate("EUR/USD").symbol == "EUR/USD"

    assert len(virtual_time.sleeps) == 1
    assert 0.05 <= virtual_time.sleeps[0] <= 0.1  # the first backoff step
    assert [p.split(":")[0] for p in recorder.problems] == ["GET /v2/rates/spot -> 503"]
    recorder.problems.clear()  # the injected Retry-After breaks the spec on purpose
