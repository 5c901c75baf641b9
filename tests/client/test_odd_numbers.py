"""Numbers as odd servers write them: strings, tiny, huge, -0, and the non-JSON NaN/Infinity."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from integral_mock.client import TransportError
from tests.client.fake_server import ORDERS, RATE, SPOT, START, Answer
from tests.client.test_odd_orders import _order, _pq


def _rate_body(**values: str) -> bytes:
    """The spot rate as raw JSON text, with `values` spliced in verbatim (NaN stays NaN)."""
    text = json.dumps({**RATE, **dict.fromkeys(values, "@")})
    for name, value in values.items():
        text = text.replace(f'"{name}": "@"', f'"{name}": {value}')
    return text.encode()


@pytest.mark.parametrize(
    ("bid", "read"),
    [
        ("1.2", Decimal("1.2")),
        ('"1.2"', Decimal("1.2")),
        ("1e-7", Decimal("1E-7")),
        ('"1E-7"', Decimal("1E-7")),
        ("-0", Decimal(0)),
        ("-0.0", Decimal("-0.0")),
        ("123456789012345678901234567890", Decimal("123456789012345678901234567890")),
        ("1.00000000000000000000000001", Decimal("1.00000000000000000000000001")),
    ],
)
def test_a_number_or_numeric_string_reads_exactly(server, odd, bid, read):
    server.script("GET", SPOT, Answer(200, _rate_body(bid=bid)))

    assert odd.get_spot_rate("EUR/USD").bid == read


@pytest.mark.parametrize(
    "bid", ["NaN", "Infinity", "-Infinity", '"NaN"', '"Infinity"', '"sNaN"', '"-inf"']
)
def test_nan_and_infinity_are_refused_as_tokens_or_strings(server, odd, bid):
    server.script("GET", SPOT, Answer(200, _rate_body(bid=bid)))

    with pytest.raises(TransportError):
        odd.get_spot_rate("EUR/USD")


@pytest.mark.parametrize("extra", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_a_nan_token_anywhere_is_not_json(server, odd, extra):
    # RFC 8259 has no such tokens; Python's json reads them, so the client must say no.
    server.script("GET", SPOT, Answer(200, _rate_body(somethingNew=extra)))

    with pytest.raises(TransportError, match="not JSON"):
        odd.get_spot_rate("EUR/USD")


@pytest.mark.parametrize("bid", ['"1_000"', '" 1.2 "', '"\\u0661\\u0662"', '"1."', '".5"', '"+1"'])
def test_a_string_that_is_no_json_number_is_no_price(server, odd, bid):
    # Decimal() reads underscores, spaces and Arabic-Indic digits; a price on the wire may not.
    server.script("GET", SPOT, Answer(200, _rate_body(bid=bid)))

    with pytest.raises(TransportError, match="bid"):
        odd.get_spot_rate("EUR/USD")


def test_a_placement_answer_with_a_nan_token_is_looked_up_not_resent(server, odd):
    server.script("POST", ORDERS, Answer(202, json.dumps(_order()).replace("1.2", "NaN").encode()))
    server.script("GET", ORDERS, Answer(200, _order()))

    assert odd.place_order(_pq()).price == Decimal("1.2")

    assert server.count("POST", ORDERS) == 1


@pytest.mark.parametrize("written", ["1700000000000.0", "1.7e12", "17000000000000E-1"])
def test_an_integer_written_with_a_fraction_or_exponent_is_that_integer(server, odd, written):
    # JSON Schema's "type: integer" takes any number whose value is whole: 1.0 is an integer.
    server.script("GET", SPOT, Answer(200, _rate_body(time=written)))

    assert odd.get_spot_rate("EUR/USD").time == START


@pytest.mark.parametrize("written", ["1700000000000.5", '"1700000000000"', "true", "1e400"])
def test_a_time_that_is_no_whole_number_is_refused(server, odd, written):
    server.script("GET", SPOT, Answer(200, _rate_body(time=written)))

    with pytest.raises(TransportError, match="time"):
        odd.get_spot_rate("EUR/USD")


def test_a_time_with_a_huge_exponent_is_refused_at_once(server, odd):
    server.script("GET", SPOT, Answer(200, _rate_body(time="1E+999999999")))

    with pytest.raises(TransportError, match="int64"):
        odd.get_spot_rate("EUR/USD")
