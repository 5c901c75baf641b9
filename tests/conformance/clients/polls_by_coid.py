"""Good client: knows its order by its own coId only: after a timeout it looks the coId up, and
it polls by coId (GET /v2/orders?coId=…), never by the server's orderId."""

import time
import urllib.parse

from base import FINAL, Client, main


class PollsByCoId(Client):
    timeout_s = 0.4  # gives up on a hung placement quickly, then looks the coId up

    def run(self) -> int:
        self.login()
        order = self.order_for(self.quote())
        placed = self.place(order)
        query = urllib.parse.urlencode({"coId": order["coId"]})
        while placed["status"] not in FINAL:
            time.sleep(self.poll_s)
            placed = self.call("GET", "/v2/orders", query=query)
        print("order", placed["orderId"], placed["status"], flush=True)
        return 0 if placed["status"] == "FILLED" else 1


if __name__ == "__main__":
    main(PollsByCoId)
