"""Bad client: retries after 50 ms whatever Retry-After says (breaks retry-after)."""

import time
from typing import Any

from base import Client, main


class IgnoresRetryAfter(Client):
    def pause(self, answer: Any, attempt: int) -> None:
        time.sleep(0.05 * 2**attempt)


if __name__ == "__main__":
    main(IgnoresRetryAfter)
