"""Integral's timestamps: `yyyy-MM-dd HH:mm:ss,SSS Z`, written in UTC and read in any offset."""

from __future__ import annotations

import datetime as dt

from integral_mock.clock import utc
from integral_mock.errors import BadRequest

EXECUTION_TIME_FORMAT = "%Y-%m-%d %H:%M:%S,{ms:03d} +0000"


def execution_time(epoch_ms: int) -> str:
    """Integral's `yyyy-MM-dd HH:mm:ss,SSS Z`, in UTC."""
    return utc(epoch_ms).strftime(EXECUTION_TIME_FORMAT).format(ms=epoch_ms % 1000)


def parse_execution_time(text: str, field: str) -> int:
    """Epoch ms of a `yyyy-MM-dd HH:mm:ss,SSS Z` string; 400 naming `field` if it is not one."""
    try:
        moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f %z")
    except ValueError:
        example = "e.g. 2024-10-24 15:30:00,000 +0000"
        raise _bad(field, f"must be yyyy-MM-dd HH:mm:ss,SSS Z, {example}") from None
    epoch_ms = int(moment.timestamp() * 1000)
    # Read in UTC, as every stamp is written: 9999-12-31 23:00:00,000 -0100 and 0001-01-01
    # 00:00:00,000 +0100 are no instant the calendar holds (a later read of them was a 500).
    try:
        utc(epoch_ms)
    except (ValueError, OverflowError):
        raise _bad(field, "must be a time from year 0001 to 9999 once read in UTC") from None
    return epoch_ms


def _bad(field: str, message: str) -> BadRequest:
    return BadRequest(f"{field} {message}", fields=[{"field": field, "message": message}])
