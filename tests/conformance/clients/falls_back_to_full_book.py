"""Bad client: when the spot rate answers 503 (Retry-After: 1), asks the FULL book for the same
rate at once, the same service by another door (breaks retry-after)."""

import urllib.parse
from typing import Any

from base import Ambiguous, Client, main


class FallsBackToFullBook(Client):
    def quote(self) -> dict[str, Any]:
        query = urllib.parse.urlencode({"symbol": self.symbol})
        try:
            rate: dict[str, Any] = self.send("GET", "/v2/rates/spot", query=query)
            return rate
        except Ambiguous:
            book: dict[str, Any] = self.call("GET", "/v2/rates/spot/FULL", query=query)
            return _best(book)


def _best(book: Any) -> dict[str, Any]:
    """The first level that carries a rateId and both prices, however the book nests them."""
    if isinstance(book, dict):
        if {"rateId", "bid", "offer"} <= book.keys():
            return book
        book = list(book.values())
    for item in book if isinstance(book, list) else []:
        if isinstance(item, (dict, list)) and (found := _best_or_none(item)):
            return found
    raise SystemExit("no tradable level in the FULL book")


def _best_or_none(book: Any) -> dict[str, Any] | None:
    try:
        return _best(book)
    except SystemExit:
        return None


if __name__ == "__main__":
    main(FallsBackToFullBook)
