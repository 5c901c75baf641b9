"""Good client: reads Retry-After in both of RFC 9110's forms, delta-seconds and an HTTP-date."""

import email.utils
import time

from base import Client, main


class RetryAfterDate(Client):
    def retry_after(self, value: str | None) -> float | None:
        if not value:
            return None
        if value.strip().isdigit():
            return float(value)
        when = email.utils.parsedate_to_datetime(value)  # "Fri, 04 Dec 2026 01:50:00 GMT"
        # A date has whole seconds: wait to the end of the second it names.
        return max(when.timestamp() + 1 - time.time(), 0.0)


if __name__ == "__main__":
    main(RetryAfterDate)
