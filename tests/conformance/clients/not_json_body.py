"""Bad client: labels its order application/json but sends a Python repr (breaks json-requests)."""

from typing import Any

import base
from base import Client, main


class NotJsonBody(Client):
    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        if (method, path) != ("POST", "/v2/orders"):
            return super().send(method, path, body, query)
        dumps = base.json.dumps
        base.json.dumps = repr  # type: ignore[assignment]
        try:
            return super().send(method, path, body, query)
        finally:
            base.json.dumps = dumps


if __name__ == "__main__":
    main(NotJsonBody)
