"""The spec itself: valid OpenAPI, every example valid against its schema, served as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from integral_mock.clock import ManualClock
from integral_mock.integral.spec import load_document

DOCUMENT = load_document()
BASE = "urn:integral-mock:integral.yaml"
REGISTRY = Registry().with_resource(
    BASE, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _examples(node: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(where the example is, where its schema is, the example) for every example in `node`.

    Media types, parameters and headers carry `example` or an `examples` map beside `schema`;
    a Schema Object carries an `examples` list of its own instances.
    """
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _examples(item, f"{pointer}/{i}")
        return
    if not isinstance(node, dict):
        return
    examples = node.get("examples")
    if "schema" in node:
        schema = f"{pointer}/schema"
        if "example" in node:
            yield f"{pointer}/example", schema, node["example"]
        for name, example in (examples or {}).items():
            yield f"{pointer}/examples/{name}", schema, example["value"]
    elif isinstance(examples, list):
        for i, example in enumerate(examples):
            yield f"{pointer}/examples/{i}", pointer, example
    for key, value in node.items():
        if key not in ("example", "examples") and not key.startswith("x-"):
            yield from _examples(value, f"{pointer}/{_escape(key)}")


EXAMPLES = list(_examples(DOCUMENT))


def test_the_document_is_valid_openapi() -> None:
    validate_openapi(DOCUMENT)


def test_the_published_integral_examples_are_in_the_spec() -> None:
    where = {location for location, _, _ in EXAMPLES}
    assert {
        "/paths/~1v2~1sso~1login/post/requestBody/content/application~1json/examples/published",
        "/paths/~1v2~1sso~1login/post/responses/200/content/application~1json/examples/published",
        "/paths/~1v2~1rates~1spot/get/responses/200/content/application~1json/examples/published",
        "/paths/~1v2~1orders/post/requestBody/content/application~1json/examples/limitIoc",
        "/paths/~1v2~1orders/post/requestBody/content/application~1json/examples/atBestNdf",
        "/paths/~1v2~1orders/post/requestBody/content/application~1json/examples/pqFixedPeriod",
        "/paths/~1v2~1orders/post/responses/202/content/application~1json/examples/pqReceived",
        "/paths/~1v2~1trades/post/requestBody/content/application~1json/examples/published",
        "/paths/~1v2~1trades/post/responses/200/content/application~1json/examples/published",
        "/paths/~1marketdataset/get/parameters/7/examples/published",  # timeWindow 1500-1700
        "/paths/~1marketdataset/get/parameters/6/examples/oneWeekOutright",
        "/paths/~1marketdataset/get/parameters/2/examples/published",  # org BNK1-4HOrg
    } <= where
    assert all(example is not None for _, _, example in EXAMPLES)


@pytest.mark.parametrize(("location", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_validates_against_its_own_schema(
    location: str, schema: str, example: Any
) -> None:
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#{schema}"},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(example)
    ]
    assert problems == [], location


def test_a_broken_example_would_be_caught() -> None:
    """The check above is not vacuous: a wrong example fails against the same schema."""
    schema = "/paths/~1v2~1rates~1spot/get/responses/200/content/application~1json/schema"
    validator = Draft202012Validator({"$ref": f"{BASE}#{schema}"}, registry=REGISTRY)
    assert not validator.is_valid({"symbol": "EUR/USD", "bid": "1.1"})


def test_openapi_json_serves_the_spec(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == DOCUMENT
    assert response.headers["X-Request-ID"]


def test_health_answers_200_without_a_token(client: FlaskClient, clock: ManualClock) -> None:
    response = client.get("/__admin/health")
    assert response.status_code == 200
    assert response.json["status"] == "OK"
    assert response.json["time"] == clock.now_ms()
