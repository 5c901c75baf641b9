"""Bad client: never retries; a failed call ends it, a traceback (breaks final-status-reported)."""

from typing import Any

from base import Client, main


class GivesUpOnFault(Client):
    def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        return self.send(method, path, body, query)


if __name__ == "__main__":
    main(GivesUpOnFault)
