"""Bad client: polls the spot rate every 10 ms for a second, waiting for a better price, before
it places (100 rate reads a second: breaks poll-interval)."""

import time
from typing import Any

from base import Client, main


class HammersRates(Client):
    def quote(self) -> dict[str, Any]:
        best = super().quote()
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            time.sleep(0.01)
            rate = super().quote()
            if rate["offer"] < best["offer"]:
                best = rate
        return super().quote()  # the last, so that the quote is fresh and its price its own


if __name__ == "__main__":
    main(HammersRates)
