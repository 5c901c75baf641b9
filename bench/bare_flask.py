"""The ceiling for any Flask design: one route answering a fixed spot rate (bench/compare.py)."""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask(__name__)

# The spec's published example: the same body size as Prism's answer, about that of serve's.
RATE = {
    "symbol": "EUR/USD",
    "bid": 1.1863,
    "offer": 1.18638,
    "bidLimit": 1000000,
    "offerLimit": 1000000,
    "time": 1602536120080,
    "rateId": "2022-11-10-EURUSD-SPOT-435ef73249",
}


@app.get("/v2/rates/spot")
def spot() -> Response:
    # Encoded per request, as any real handler would: JSON encoding is part of the ceiling.
    return jsonify(RATE)
