"""The OpenAPI document: loaded once, used to validate requests and responses, and served."""

from __future__ import annotations

import copy
import functools
import re
from importlib import resources
from typing import Any

import yaml
from flask import Request, Response
from jsonschema.exceptions import ValidationError
from openapi_core import OpenAPI
from openapi_core.contrib.flask import FlaskOpenAPIRequest, FlaskOpenAPIResponse
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from werkzeug.exceptions import HTTPException

from integral_mock.errors import BadRequest, FieldProblems, UnsupportedMediaType
from integral_mock.integral.json_input import non_standard

SPEC_FILE = "integral.yaml"
# Fields whose value an error message must not repeat (it lands in logs and the journal).
SECRET_FIELDS = frozenset({"pass", "password", "secret"})


@functools.cache
def load_document(name: str = SPEC_FILE) -> dict[str, Any]:
    """The spec as published in openapi/ (and inside the wheel)."""
    text = resources.files("integral_mock.openapi").joinpath(name).read_text("utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def _validation_copy(document: dict[str, Any]) -> dict[str, Any]:
    """The spec as the validator needs it: any host, and no security (the app checks tokens).

    Tokens are checked by the app itself so that a missing, unknown and expired token each
    get their own 401 errorCode, which openapi-core's security check cannot tell apart.
    """
    spec = copy.deepcopy(document)
    spec["servers"] = [{"url": "/"}]
    spec.pop("security", None)
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            operation.pop("security", None)
    return spec


class SpecValidator:
    """Validates Flask requests and responses against the Integral spec (or sandbox.yaml)."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document or load_document()
        self.openapi = OpenAPI.from_dict(_validation_copy(self.document))
        schemas = self.document["components"]["schemas"]
        self.order_fields = frozenset(schemas.get("OrderFields", {}).get("properties", ()))

    def validate_request(self, request: Request) -> tuple[dict[str, str], Any]:
        """The request's (query parameters, JSON body) once valid; BadRequest/415 otherwise.

        Values come from the request as sent (not openapi-core's unmarshalled copies), so an
        order echoes exactly what the client wrote: a date stays a string.
        """
        try:
            if request.is_json and (reason := non_standard(request.get_data(cache=True))):
                raise BadRequest(f"body: {reason}", fields=[{"field": "body", "message": reason}])
            for error in self.openapi.iter_request_errors(FlaskOpenAPIRequest(request)):
                raise _request_error(error)
            body = request.get_json(silent=True)
        except RecursionError:  # JSON nested deeper than the parser goes: bad input, not a 500
            problem = {"field": "body", "message": "is nested too deeply"}
            raise BadRequest("body: is nested too deeply", fields=[problem]) from None
        return request.args.to_dict(), body

    def response_errors(self, request: Request, response: Response) -> list[str]:
        """Why `response` breaks the spec for `request` (empty when it conforms)."""
        # Validation only: unmarshalling as well made this the slowest step of every request.
        errors = self.openapi.iter_response_errors(
            _ReadOnceRequest(request), FlaskOpenAPIResponse(response)
        )
        return [_describe(error) for error in errors]


class _ReadOnceRequest(FlaskOpenAPIRequest):
    """A request whose body may be unreadable (too large) by the time its answer is checked."""

    @property
    def body(self) -> bytes | None:
        try:
            data: bytes = self.request.get_data(as_text=False)
        except HTTPException:
            return b""
        return data


def _request_error(error: Exception) -> Exception:
    cause = error.__cause__
    if isinstance(cause, MediaTypeNotFound):
        return UnsupportedMediaType("The body must be application/json")
    schema_errors: list[ValidationError] = list(getattr(cause, "schema_errors", ()) or ())
    problems = [p for e in schema_errors for p in _problems(e)]
    name = getattr(error, "name", None)  # a parameter's name, for parameter errors
    if name and problems:
        problems = [{"field": name, "message": p["message"]} for p in problems]
    if not problems:
        field = name or "body"
        problems = [{"field": field, "message": _describe(error)}]
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return BadRequest(message, fields=problems)


def _problems(error: ValidationError) -> FieldProblems:
    """Field-level problems, looking inside oneOf to the variant the order's type picked."""
    if error.validator == "oneOf" and error.context:
        return [p for e in _chosen_variant(error) for p in _problems(e)]
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return [{"field": m, "message": "is required"} for m in missing]
    field = ".".join(str(p) for p in error.absolute_path) or "body"
    if field in SECRET_FIELDS:  # jsonschema's message quotes the value: never a password
        return [{"field": field, "message": f"is not valid ({error.validator})"}]
    return [{"field": field, "message": error.message}]


def _chosen_variant(error: ValidationError) -> list[ValidationError]:
    """The errors of the oneOf branch closest to matching: fewest errors, `type` matching."""
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    candidates = [
        errs
        for errs in branches.values()
        if not any(list(e.relative_path) == ["type"] for e in errs)
    ]
    if not candidates:
        return [error.__class__("no order type matches", validator="enum", path=["type"])]
    # On a tie, prefer the branch that only misses fields over one that refuses a value sent:
    # a Limit GTT without expiryTime lacks expiryTime, not a timeInForce other than GTT.
    return min(candidates, key=lambda es: (len(es), sum(e.validator != "required" for e in es)))


def _describe(error: Exception) -> str:
    cause = error.__cause__
    if isinstance(cause, MediaTypeDeserializeError):
        # Its own text quotes the whole body back (a login's password with it), and fails on
        # a body that is not UTF-8.
        return "the body is not UTF-8 JSON"
    details = [e.message for e in getattr(cause, "schema_errors", ()) or ()]
    if details:
        return f"{type(error).__name__}: {'; '.join(details)}"
    return f"{error}"


@functools.cache
def shared_validator(name: str = SPEC_FILE) -> SpecValidator:
    """One validator per spec file for the whole process: building one costs ~0.15 s, and
    it holds nothing but the (read-only) spec, so apps may share it."""
    return SpecValidator(load_document(name))
