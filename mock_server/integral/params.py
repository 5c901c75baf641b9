"""A request's parameters read as openapi-core read them: located, cast by type, then checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request
from werkzeug.datastructures import Headers

from integral_mock.integral.checks import Param, Problem
from integral_mock.integral.json_input import text_problem


def parameter_problem(
    param: Param, request: Request, variables: Mapping[str, str]
) -> Problem | None:
    """Why `param` of `request` breaks the spec, or None.

    `variables` are the path's variables as the route finder read them, used only when Flask
    has none (a rule without variables matched a template).
    """
    where = _location(param.location, request, variables)
    if param.location == "query" and (problem := _query_slip(param.name, request)):
        return problem
    try:
        raw = where[param.name]
    except KeyError:
        if param.required and not param.has_default:
            return Problem(
                f"Missing required {param.location} parameter: {param.name}", name=param.name
            )
        return None  # absent and optional, or absent with a default (valid: checked at start-up)
    # An empty query value, or one its type cannot be cast to, was openapi-core's deserialising
    # error, in its words; what is wrong with the value follows, or the client has to guess.
    said = f"{param.location.title()} parameter error: {param.name}"
    if param.location == "query" and raw == "":
        return Problem(f"{said}: is empty", name=param.name)
    if isinstance(raw, str) and (reason := text_problem(raw)) is not None:
        return Problem(f"{param.location.title()} parameter error: {reason}", name=param.name)
    try:
        value = param.cast(raw)
    except (ValueError, TypeError, AttributeError) as exc:
        return Problem(f"{said}: {exc}" if isinstance(exc, ValueError) else said, name=param.name)
    if errors := param.schema.errors(value):
        return Problem("InvalidParameter", name=param.name, schema_errors=errors)
    return None


def _query_slip(name: str, request: Request) -> Problem | None:
    """A query parameter given twice, or only under another case of its name: a client's slip
    that reading the first value, or none, would hide. No parameter of the spec is an array,
    so a second value is never meant (`?symbol=EUR/USD&symbol=GBP/USD` quoted EUR/USD only)."""
    said = f"Query parameter error: {name}"
    if (count := len(request.args.getlist(name))) > 1:
        return Problem(f"{said}: is given {count} times; it takes one value", name=name)
    if name not in request.args:
        misspelt = sorted(key for key in request.args if key.lower() == name.lower())
        if misspelt:
            sent = ", ".join(misspelt)
            return Problem(
                f"{said}: is not given, but {sent} is (names are case-sensitive)", name=name
            )
    return None


def _location(
    location: str, request: Request, variables: Mapping[str, str]
) -> Mapping[str, Any] | Headers:
    if location == "query":
        return request.args
    if location == "path":
        return request.view_args or variables
    if location == "header":
        return request.headers
    return request.cookies
