"""What a compiled operation is made of: its schemas, parameters, body and answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from jsonschema import ValidationError


class Problem(Exception):
    """Why a request or an answer breaks the spec, in the words openapi-core used for it."""

    def __init__(
        self,
        text: str,
        *,
        name: str | None = None,
        schema_errors: list[ValidationError] | None = None,
        media_status: int | None = None,
        undecodable: bool = False,
    ) -> None:
        super().__init__(text)
        self.text = text
        self.name = name  # the parameter's name, for parameter problems
        self.schema_errors = schema_errors or []
        self.media_status = media_status  # a body of no declared media type: 400 or 415
        self.undecodable = undecodable


class Schema:
    """One schema of the spec, compiled twice.

    jsonschema-rs tells in microseconds whether an instance is valid, which is the common
    case. Only an instance it refuses (or cannot take, such as bytes) goes to jsonschema,
    whose errors (messages, paths, oneOf context) are what the error objects are made of, and
    whose verdict stands: an instance jsonschema-rs alone refuses is valid. The reverse, an
    instance only jsonschema-rs takes, would pass unchecked; it is why formats are checked by
    jsonschema's own checkers in both (jsonschema-rs takes a year 0000 date). Its regexes are
    the stricter (`$` does not match before a final newline, as in the spec's ECMA-262): what
    only jsonschema-rs refuses is refused, in its words.
    """

    __slots__ = ("_fast", "_slow")

    def __init__(self, fast: jsonschema_rs.Validator, slow: Any) -> None:
        self._fast = fast
        self._slow = slow

    def errors(self, instance: Any) -> list[ValidationError]:
        try:
            if self._fast.is_valid(instance):
                return []
        except Exception:  # a value jsonschema-rs cannot take (a lone surrogate): jsonschema judges
            return _worded_once(self._slow.iter_errors(instance))
        found = _worded_once(self._slow.iter_errors(instance))
        if found:
            return found
        # Refused by jsonschema-rs alone: a pattern's `$` before a final newline, which Python's
        # regexes match and the spec's (ECMA-262) do not. jsonschema-rs words it.
        return [
            ValidationError(e.message, path=list(e.instance_path), validator="pattern")
            for e in self._fast.iter_errors(instance)
        ]


def _worded_once(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """A value that fails its `format` is said to be no such thing, once: a `pattern` it fails
    as well in the same place (a date's range of years) adds nothing a client can act on.

    Nor does `unevaluatedProperties` beside another error: a subschema that fails evaluates
    none of its properties, so every field it declares showed as unexpected too (`probability`
    over 1 also said "'fault', 'path', 'probability' were unexpected").
    """
    found = list(errors)
    formats = {tuple(e.path) for e in found if e.validator == "format"}
    found = [e for e in found if e.validator != "pattern" or tuple(e.path) not in formats]
    others = [e for e in found if e.validator != "unevaluatedProperties"]
    return [_in_json(e) for e in others or found]


def _in_json(error: ValidationError) -> ValidationError:
    """jsonschema quotes a value as Python writes it; a client sent `null`, `true`, `false`,
    not the `None`, `True`, `False` it was told of."""
    value = error.instance
    if (value is None or isinstance(value, bool)) and error.message.startswith(repr(value)):
        error.message = json.dumps(value) + error.message.removeprefix(repr(value))
    return error


@dataclass(frozen=True)
class Param:
    name: str
    location: str  # query, path, header or cookie
    required: bool
    cast: Callable[[Any], Any]  # the schema type's cast of the raw string
    schema: Schema
    has_default: bool  # a missing one takes its (valid) default: never a problem


@dataclass(frozen=True)
class Body:
    required: bool
    media: dict[str, Schema | None]


@dataclass(frozen=True)
class Header:
    name: str
    required: bool
    schema: Schema


@dataclass(frozen=True)
class Answer:
    media: dict[str, Schema | None] | None  # None: the spec gives this answer no content
    headers: tuple[Header, ...]


@dataclass(frozen=True)
class Operation:
    params: tuple[Param, ...]
    body: Body | None
    answers: dict[str, Answer]

    def answer(self, status: int) -> Answer | None:
        """The answer the spec gives `status`: itself, its range (`4XX`) or `default`."""
        key = str(status)
        return (
            self.answers.get(key) or self.answers.get(f"{key[0]}XX") or self.answers.get("default")
        )
