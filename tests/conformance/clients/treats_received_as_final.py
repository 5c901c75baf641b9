"""Bad client: takes the placement's RECEIVED for done, waits, exits 0 unseen (final-status)."""

import time

from base import Client, main


class TreatsReceivedAsFinal(Client):
    def run(self) -> int:
        self.login()
        placed = self.place(self.order_for(self.quote()))
        print("order", placed["orderId"], placed["status"], flush=True)
        time.sleep(1.5)  # long enough for the order to fill: only the guess is at fault
        return 0


if __name__ == "__main__":
    main(TreatsReceivedAsFinal)
