"""The OpenAPI document: loaded once, compiled into request and response checks, and served."""

from __future__ import annotations

import fnmatch
import functools
import itertools
import json
import re
from importlib import resources
from typing import Any

import yaml
from flask import Request, Response
from jsonschema.exceptions import ValidationError

from integral_mock.errors import BadRequest, FieldProblems, UnsupportedMediaType
from integral_mock.integral.checks import Problem, Schema
from integral_mock.integral.compiled import Compiler
from integral_mock.integral.json_input import unreadable_json
from integral_mock.integral.params import parameter_problem
from integral_mock.integral.routes import Found, Routes

SPEC_FILE = "integral.yaml"
# Fields whose value an error message must not repeat (it lands in logs and the journal).
SECRET_FIELDS = frozenset({"pass", "password", "secret"})
# The media types openapi-core parsed as JSON; it checked any other content as raw bytes.
_JSON_MEDIA = frozenset({"application/json", "application/vnd.api+json"})
# PyYAML's safe loader, in C where PyYAML was built with libyaml (its wheels are): the
# pure-Python one takes a quarter of a second over integral.yaml, in every process that serves.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A Flask rule's variables (`<id>`, `<int:id>`) as the spec writes them (`{id}`).
_RULE_VARIABLE = re.compile(r"<(?:(?:string|int|float|path|uuid):)?(\w+)>")


@functools.cache
def load_document(name: str = SPEC_FILE) -> dict[str, Any]:
    """The spec as published in openapi/ (and inside the wheel)."""
    text = resources.files("integral_mock.openapi").joinpath(name).read_text("utf-8")
    document: dict[str, Any] = yaml.load(text, Loader=_SAFE_LOADER)
    return document


class SpecValidator:
    """Validates Flask requests and responses against the Integral spec (or sandbox.yaml).

    What the spec says of each operation is compiled once (compiled.py): a request costs a
    route look-up and one compiled schema check per parameter and body. Security is not
    checked here: the app tells a missing, unknown and expired token apart itself.
    """

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document or load_document()
        self.routes = Routes(Compiler(self.document, "urn:integral-mock:spec").operations())
        schemas = self.document["components"]["schemas"]
        self.order_fields = frozenset(schemas.get("OrderFields", {}).get("properties", ()))

    def validate_request(self, request: Request) -> tuple[dict[str, str], Any]:
        """The request's (query parameters, JSON body) once valid; BadRequest (or a 415, where
        the operation declares one) otherwise.

        Values come from the request as sent (not cast copies), so an order echoes exactly
        what the client wrote: a date stays a string.
        """
        try:
            self._check_request(request)
            body = request.get_json(silent=True)
        except Problem as problem:
            raise _request_error(problem) from None
        except RecursionError:  # JSON nested deeper than the parser goes: bad input, not a 500
            nested = {"field": "body", "message": "is nested too deeply"}
            raise BadRequest("body: is nested too deeply", fields=[nested]) from None
        return request.args.to_dict(), body

    def _check_request(self, request: Request) -> None:
        """Raise the first Problem: parameters in the spec's order, then the body."""
        operation, variables = self._operation(request)
        for param in operation.params:
            if problem := parameter_problem(param, request, variables):
                raise problem
        # Read even when the operation takes none (over the limit: 413); then ignored, whatever.
        data = request.get_data()
        body = operation.body
        if body is None:
            return
        if not data:
            if body.required:
                raise Problem("Missing required request body")
            return
        found = _media(body.media, request.content_type or "application/octet-stream")
        if found is None:
            # Integral's surface answers a body that is not JSON 400, as integral-api.md's
            # order rules decide; an operation that declares a 415 (the control API's) that.
            status = 415 if "415" in operation.answers else 400
            raise Problem("no such media type", media_status=status)
        if request.is_json and (reason := unreadable_json(request)):
            raise BadRequest(f"body: {reason}", fields=[{"field": "body", "message": reason}])
        value = _parsed(found[0], data)
        if found[1] is not None and (errors := found[1].errors(value)):
            raise Problem("InvalidRequestBody", schema_errors=errors)

    def response_errors(self, request: Request, response: Response) -> list[str]:
        """Why `response` breaks the spec for `request` (empty when it conforms)."""
        try:
            operation, _ = self._operation(request)
        except Problem as unknown:
            return [unknown.text]
        answer = operation.answer(response.status_code)
        if answer is None:
            return [f"Unknown response http status: {response.status_code}"]
        problems: list[Problem] = []
        if answer.media is not None and (problem := _data_problem(answer.media, response)):
            problems.append(problem)
        for header in answer.headers:
            if header.name not in response.headers:
                if header.required:
                    problems.append(Problem(f"Missing required header: {header.name}"))
            elif errors := header.schema.errors(response.headers[header.name]):
                problems.append(Problem("InvalidHeader", schema_errors=errors))
        return [_describe(problem) for problem in problems]

    def _operation(self, request: Request) -> Found:
        path = _pattern(request.url_rule.rule) if request.url_rule else request.path
        # A HEAD is its GET without the body (RFC 9110); Integral's surface refuses it first.
        method = "get" if request.method == "HEAD" else request.method.lower()
        return self.routes.find(request.root_path + path, method, lambda: request.host_url)


@functools.cache
def _pattern(rule: str) -> str:
    """A Flask rule (`/v2/orders/<id>`) as the spec writes its path (`/v2/orders/{id}`)."""
    return _RULE_VARIABLE.sub(r"{\1}", rule)


def _media(content: dict[str, Schema | None], mimetype: str) -> tuple[str, Schema | None] | None:
    """(media type, its schema) that `mimetype` names in `content`, as openapi-core matched."""
    mime_type = mimetype.split(";")[0].lower().rstrip()
    for candidate in (mimetype, mime_type):
        if candidate in content:
            return mime_type, content[candidate]
    for key, schema in content.items() if mime_type else ():
        if fnmatch.fnmatch(mime_type, key):
            return key, schema
    return None


def _parsed(mimetype: str, data: bytes) -> Any:
    if mimetype not in _JSON_MEDIA:
        return data
    try:
        return json.loads(data)
    except (ValueError, TypeError):
        raise Problem("not JSON", undecodable=True) from None


def _data_problem(media: dict[str, Schema | None], response: Response) -> Problem | None:
    data = _answer_bytes(response)
    if not data:
        return Problem("Missing response data")
    mimetype = str(response.mimetype)
    found = _media(media, mimetype)
    if found is None:
        return Problem(
            "DataValidationError: Content for the following mimetype not found: "
            f"{mimetype}. Valid mimetypes: {list(media)}"
        )
    try:
        value = _parsed(found[0], data)
    except Problem as problem:
        return problem
    if found[1] is not None and (errors := found[1].errors(value)):
        return Problem("InvalidData", schema_errors=errors)
    return None


def _answer_bytes(response: Response) -> bytes:
    if response.is_sequence:
        return response.get_data()
    # A streamed answer: read a copy and leave the stream to be sent.
    sent, read = itertools.tee(response.iter_encoded())
    response.response = sent
    return b"".join(read)


def _request_error(problem: Problem) -> Exception:
    if problem.media_status == 415:
        return UnsupportedMediaType("The body must be application/json")
    if problem.media_status is not None:
        not_json = [{"field": "Content-Type", "message": "must be application/json"}]
        return BadRequest(
            "Content-Type: must be application/json",
            fields=not_json,
            code=UnsupportedMediaType.code,
        )
    # A body of the wrong type (an array for an object) fails every other keyword too, and
    # oneOf says so by quoting the whole schema: the type is the one thing to say.
    errors = [e for e in problem.schema_errors if e.validator == "type" and not e.absolute_path]
    problems = [p for e in errors or problem.schema_errors for p in _problems(e)]
    if problem.name and problems:  # a parameter's problems are its own, whatever the path
        problems = [{"field": problem.name, "message": p["message"]} for p in problems]
    if not problems:
        problems = [{"field": problem.name or "body", "message": _describe(problem)}]
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


def _describe(problem: Problem) -> str:
    if problem.undecodable:
        # Never the body itself: it may hold a login's password, or not be UTF-8.
        return "the body is not UTF-8 JSON"
    if problem.schema_errors:
        return f"{problem.text}: {'; '.join(e.message for e in problem.schema_errors)}"
    return problem.text


@functools.cache
def shared_validator(name: str = SPEC_FILE) -> SpecValidator:
    """One validator per spec file for the whole process: it holds nothing but the
    (read-only) spec and its compiled checks, so apps may share it."""
    return SpecValidator(load_document(name))
