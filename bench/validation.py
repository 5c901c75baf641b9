"""Benchmark: spec validation per request, openapi-core (before) vs compiled (now). On demand only.

    python bench/validation.py             # the four checks, the schema engines, whole requests
    python bench/validation.py --n 5000    # more repetitions

The checks are `validate_request` and `response_errors` for `GET /v2/rates/spot` and a PQ
`POST /v2/orders`, on real requests and answers of an in-process app. "openapi-core" is what
spec.py did before the compiled validators: openapi-core's request and response validation
over the same spec (the test extra installs it). Each figure is the best of five rounds of n
calls, in µs per call. Results go into bench/README.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, request
from jsonschema import Draft202012Validator, FormatChecker
from openapi_core import OpenAPI
from openapi_core.contrib.flask import FlaskOpenAPIRequest, FlaskOpenAPIResponse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from integral_mock.app import create_app
from integral_mock.clock import ManualClock
from integral_mock.config import Config
from integral_mock.integral.spec import SpecValidator, load_document

LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}
SPOT = "/v2/rates/spot?symbol=EUR%2FUSD"


def best(call: Callable[[], object], n: int) -> float:
    """µs per call: the best of five rounds of `n` calls (the least disturbed by neighbours)."""
    call()
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            call()
        rounds.append((time.perf_counter() - started) / n * 1e6)
    return min(rounds)


class OpenApiCore:
    """The validation spec.py did before: openapi-core over the spec, security left out."""

    def __init__(self, document: dict[str, Any]) -> None:
        spec = copy.deepcopy(document)
        spec["servers"] = [{"url": "/"}]
        spec.pop("security", None)
        for item in spec["paths"].values():
            for operation in item.values():
                operation.pop("security", None)
        self.openapi = OpenAPI.from_dict(spec)

    def validate_request(self, req: Request) -> list[Exception]:
        return list(self.openapi.iter_request_errors(FlaskOpenAPIRequest(req)))

    def response_errors(self, req: Request, response: Response) -> list[Exception]:
        return list(
            self.openapi.iter_response_errors(
                FlaskOpenAPIRequest(req), FlaskOpenAPIResponse(response)
            )
        )


def checks(app: Flask, n: int) -> None:
    client = app.test_client()
    token = client.post("/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]
    headers = {"SSO_TOKEN": token}
    rate = client.get(SPOT, headers=headers)
    quote = rate.json or {}
    order = {
        "coId": "bench-1", "type": "PQ", "timeInForce": "FOK", "side": "Buy", "symbol": "EUR/USD",
        "currency": "EUR", "size": 1000, "price": quote["offer"], "rateId": quote["rateId"],
    }  # fmt: skip
    placed = client.post("/v2/orders", json=order, headers=headers)
    old, new = OpenApiCore(load_document()), SpecValidator(load_document())
    print(f"| check | openapi-core | compiled | × |\n|---|---|---|---|  (µs per call, n={n})")
    calls: list[tuple[str, dict[str, Any], TestResponse]] = [
        ("spot rate: request", {"path": SPOT}, rate),
        ("PQ order: request", {"path": "/v2/orders", "method": "POST", "json": order}, placed),
    ]
    for label, where, answer in calls:
        with app.test_request_context(headers=headers, **where):
            response = Response(answer.data, answer.status_code, headers=dict(answer.headers))
            assert not old.validate_request(request)
            assert not new.response_errors(request, response)
            rows = [
                (
                    label,
                    lambda: old.validate_request(request),
                    lambda: new.validate_request(request),
                ),
                (
                    label.replace("request", "response"),
                    lambda: old.response_errors(request, response),  # noqa: B023
                    lambda: new.response_errors(request, response),  # noqa: B023
                ),
            ]
            for name, before, now in rows:
                b, a = best(before, max(1, n // 10)), best(now, n)
                print(f"| {name} | {b:.0f} | {a:.1f} | {b / a:.0f} |")


def engines(n: int) -> None:
    """The PQ order's body and the spot rate's answer, valid, per JSON Schema engine."""
    import jsonschema_rs

    document = load_document()
    uri = "urn:bench:integral.yaml"
    registry = Registry().with_resource(
        uri, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    rs_registry = jsonschema_rs.Registry([(uri, document)])
    instances = {
        "OrderRequest": {
            "coId": "c-1", "type": "PQ", "timeInForce": "FOK", "side": "Buy", "symbol": "EUR/USD",
            "currency": "EUR", "size": 1000, "price": 1.1, "rateId": "r-1",
        },
        "SpotRate": {
            "symbol": "EUR/USD", "bid": 1.1, "offer": 1.2, "bidLimit": 1e6, "offerLimit": 1e6,
            "time": 1, "rateId": "r-1",
        },
    }  # fmt: skip
    print(
        "\n| schema | jsonschema (compiled once, one registry) | fastjsonschema | jsonschema-rs |"
    )
    print("|---|---|---|---|  (µs per valid instance)")
    for name, instance in instances.items():
        root = {"$ref": f"{uri}#/components/schemas/{name}"}
        slow = Draft202012Validator(root, registry=registry, format_checker=FormatChecker())
        fast = jsonschema_rs.Draft202012Validator(root, registry=rs_registry, validate_formats=True)
        assert slow.is_valid(instance)
        assert fast.is_valid(instance)
        print(
            f"| {name} | {best(lambda: slow.is_valid(instance), n):.0f} "  # noqa: B023
            f"| {_fastjsonschema(document, name, instance, n)} "
            f"| {best(lambda: fast.is_valid(instance), n):.1f} |"  # noqa: B023
        )


def _fastjsonschema(document: dict[str, Any], name: str, instance: Any, n: int) -> str:
    try:
        import fastjsonschema
    except ImportError:
        return "not installed"
    # Draft 7 at most: the spec's 2020-12 keywords (dependentRequired, unevaluatedProperties)
    # would be ignored, so it could pass an answer that breaks the spec.
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    check = fastjsonschema.compile(schema)
    return f"{best(lambda: check(instance), n):.1f} (draft 7)"


def whole_requests(n: int) -> None:
    print("\n| whole request, in-process | µs per request |\n|---|---|")
    for validate in (False, True):
        app = create_app(Config.default(validate_responses=validate), clock=ManualClock())
        client = app.test_client()
        token = client.post("/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]
        spent = best(lambda: client.get(SPOT, headers={"SSO_TOKEN": token}), n // 4)  # noqa: B023
        state = "on" if validate else "off"
        print(f"| GET /v2/rates/spot, response validation {state} | {spent:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="calls per round")
    n = parser.parse_args().n
    checks(create_app(Config.default(validate_responses=True), clock=ManualClock()), n)
    engines(n)
    whole_requests(n)


if __name__ == "__main__":
    main()
