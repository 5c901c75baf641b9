"""Good client: full-jitter backoff, a random wait in [0, 0.1·2^n] s (AWS's architecture blog)."""

import random
import time
from typing import Any

from base import Answer, Client, main


class FullJitter(Client):
    # Seeded so that a run repeats: its first draw is 13 ms, a wait full jitter may well pick.
    rng = random.Random(1)

    def pause(self, answer: Any, attempt: int) -> None:
        retry_after = answer.retry_after if isinstance(answer, Answer) else None
        time.sleep(max(retry_after or 0, self.rng.uniform(0, 0.1 * 2**attempt)))


if __name__ == "__main__":
    main(FullJitter)
