"""Fixed-period windows: any `HHmm-HHmm` span of a UTC day, and the rate ids that name them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from integral_mock.clock import utc

FIXED_PERIOD_ID = "4HProduct"
# The window answered when none is named: the 4-hour slot of the UTC day running now.
DEFAULT_HOURS = 4
_MINUTE_MS = 60_000
_DAY_MINUTES = 24 * 60
_LABEL = re.compile(r"^(\d{2})(\d{2})-(\d{2})(\d{2})$")
_FIXED_RATE = re.compile(
    r"^(?P<set>[A-Za-z0-9]+)\|(?P<date>\d{4}-\d{2}-\d{2})\|(?P<window>\d{4}-\d{4})"
    r"\|(?P<pair>[A-Z0-9]{4,20})\|(?P<tenor>SPOT)$"
)


@dataclass(frozen=True)
class Window:
    """One fixed period of one UTC day, [start, end), in minutes since midnight."""

    date: dt.date
    start_minute: int
    end_minute: int

    @property
    def start_ms(self) -> int:
        midnight = dt.datetime.combine(self.date, dt.time(), dt.UTC)
        return int(midnight.timestamp() * 1000) + self.start_minute * _MINUTE_MS

    @property
    def end_ms(self) -> int:
        return self.start_ms + (self.end_minute - self.start_minute) * _MINUTE_MS

    @property
    def label(self) -> str:
        return f"{_hhmm(self.start_minute)}-{_hhmm(self.end_minute)}"

    @classmethod
    def containing(cls, epoch_ms: int) -> Window:
        """The default window: the 4-hour slot of the UTC day that holds `epoch_ms`."""
        moment = utc(epoch_ms)
        start = (moment.hour - moment.hour % DEFAULT_HOURS) * 60
        return cls(moment.date(), start, start + DEFAULT_HOURS * 60)

    @classmethod
    def parse(cls, date: dt.date, label: str) -> Window | None:
        """The window `HHmm-HHmm` names on `date` (end up to 2400, after the start), or None."""
        match = _LABEL.match(label)
        if not match:
            return None
        sh, sm, eh, em = (int(part) for part in match.groups())
        start, end = sh * 60 + sm, eh * 60 + em
        if sh > 23 or sm > 59 or em > 59 or end > _DAY_MINUTES or end <= start:
            return None
        return cls(date, start, end)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def fixed_period_rate_id(window: Window, base: str, term: str) -> str:
    """The published shape: `4HProduct|2022-11-14|0800-1200|EURUSD|SPOT`."""
    return f"{FIXED_PERIOD_ID}|{window.date.isoformat()}|{window.label}|{base}{term}|SPOT"


def parse_fixed_period_rate_id(rate_id: str) -> tuple[Window, str] | None:
    """(window, `BASETERM`) of a fixed-period rate id of ours, or None if it is not one.

    The pair comes back as written, without the slash: currencies run from 2 to 10
    characters, so only the pairs the venue prices can tell where the base ends.
    """
    match = _FIXED_RATE.match(rate_id)
    if not match or match["set"] != FIXED_PERIOD_ID:
        return None
    try:
        date = dt.date.fromisoformat(match["date"])
    except ValueError:
        return None
    window = Window.parse(date, match["window"])
    if window is None:
        return None
    return window, match["pair"]
