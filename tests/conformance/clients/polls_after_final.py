"""Bad client: reads its order three more times after it is final (breaks stop-at-final)."""

import time
from typing import Any

from base import Client, main


class PollsAfterFinal(Client):
    def poll(self, order_id: str) -> dict[str, Any]:
        final = super().poll(order_id)
        for _ in range(3):
            time.sleep(self.poll_s)
            self.call("GET", f"/v2/orders/{order_id}")
        return final


if __name__ == "__main__":
    main(PollsAfterFinal)
