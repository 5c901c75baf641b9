"""Good client as many are written in Python: a requests.Session whose cookie jar carries the
token, and urllib3's Retry for safe calls (its first retry comes at once; it sleeps out
Retry-After on 429 and 503 and never retries a POST)."""

import os
import sys
import time
import uuid
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

FINAL = {"FILLED", "REJECTED", "EXPIRED", "CANCELLED"}
env = os.environ
session = requests.Session()
retry = Retry(total=5, backoff_factor=0.2, status_forcelist=(429, 500, 502, 503, 504))
session.mount("http://", HTTPAdapter(max_retries=retry))  # GET, HEAD, PUT, DELETE… not POST
base = env["INTEGRAL_BASE_URL"].rstrip("/")
creds = {"user": env["INTEGRAL_USER"], "pass": env["INTEGRAL_PASSWORD"], "org": env["INTEGRAL_ORG"]}


def call(method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"X-Request-ID": str(uuid.uuid4())}
    return session.request(method, base + path, headers=headers, timeout=3, **kwargs)


def login() -> None:
    call("POST", "/v2/sso/login", json=creds).raise_for_status()  # the cookie jar keeps it


def get(path: str, **params: Any) -> Any:
    """A read that survives a refused token and an answer cut short."""
    for attempt in range(5):
        try:
            response = call("GET", path, params=params)
            if response.status_code == 401:
                login()
                continue
            response.raise_for_status()
            return response.json()
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, ValueError):
            time.sleep(0.1 * 2**attempt)  # cut off: urllib3 does not retry a body half read
    raise SystemExit(f"gave up reading {path}")


def main() -> int:
    login()
    symbol, side, currency = env["INTEGRAL_SYMBOL"], env["INTEGRAL_SIDE"], env["INTEGRAL_CURRENCY"]
    rate = get("/v2/rates/spot", symbol=symbol)
    buys_base = (side == "Buy") == (currency == symbol.split("/")[0])
    order = {
        "coId": f"rs-{uuid.uuid4().hex[:12]}",
        "type": "PQ",
        "timeInForce": "FOK",
        "side": side,
        "symbol": symbol,
        "currency": currency,
        "size": float(env["INTEGRAL_SIZE"]),
        "price": rate["offer"] if buys_base else rate["bid"],
        "rateId": rate["rateId"],
    }
    placed = None
    for _ in range(3):
        try:
            placed = call("POST", "/v2/orders", json=order).json()
            break
        except (requests.ConnectionError, requests.Timeout, ValueError):
            time.sleep(0.2)  # did it get there? Look it up; a 404 says it did not
            lookup = call("GET", "/v2/orders", params={"coId": order["coId"]})
            if lookup.status_code != 404:
                lookup.raise_for_status()
                placed = lookup.json()
                break
    if placed is None:
        raise SystemExit("gave up placing")
    while placed["status"] not in FINAL:
        time.sleep(0.2)
        placed = get(f"/v2/orders/{placed['orderId']}")
    print("order", placed["orderId"], placed["status"])
    return 0 if placed["status"] == "FILLED" else 1


if __name__ == "__main__":
    sys.exit(main())
