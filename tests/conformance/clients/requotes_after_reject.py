"""Good client: its order REJECTED, tries once more on a fresh quote, then reports failure."""

from typing import Any

from base import FINAL, Client, main


class RequotesAfterReject(Client):
    def run(self) -> int:
        self.login()
        for _ in range(2):  # a second order only once an answer showed the first ended unfilled
            placed = self.place(self.order_for(self.quote()))
            final: dict[str, Any] = (
                placed if placed["status"] in FINAL else self.poll(placed["orderId"])
            )
            print("order", placed["orderId"], final["status"], flush=True)
            if final["status"] == "FILLED":
                return 0
        return 1


if __name__ == "__main__":
    main(RequotesAfterReject)
