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
        message = "must be yyyy-MM-dd HH:mm:ss,SSS Z, e.g. 2024-10-24 15:30:00,000 +0000"
        problem = {"field": field, "message": message}
        raise BadRequest(f"{field} {message}", fields=[problem]) from None
    return int(moment.timestamp() * 1000)
