"""The spec compiled once: every operation's parameters, body and answers as ready validators."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from integral_mock.integral.checks import Answer, Body, Header, Operation, Param, Schema

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# How a parameter's string is cast before it is validated, by its schema's type (openapi-core's
# casters). Other types, styles and keywords are refused at start-up rather than half-mirrored.
def _integer(raw: str | int) -> int:
    """An integer as written in ASCII digits: int() alone would take `1_0`, ` 5` and `٣`.

    A path variable Flask converted (`<int:id>`) comes as an int already.
    """
    if isinstance(raw, int):
        return raw
    if not _DIGITS.fullmatch(raw):
        raise ValueError(f"{raw!r} is not an integer")
    return int(raw)


def _number(raw: str) -> float:
    """A number as JSON writes one: float() alone would take `1_0`, `nan` and `inf`."""
    if not _JSON_NUMBER.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a number")
    return float(raw)


_DIGITS = re.compile(r"-?[0-9]+")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
CASTS: dict[str, Callable[[Any], Any]] = {
    "string": lambda raw: raw,
    "integer": _integer,
    "number": _number,
}
_PARAMETER_KEYS = frozenset(
    {"name", "in", "required", "schema", "description", "example", "examples"}
)
# jsonschema's FormatChecker does not know these OpenAPI formats: it would pass them unchecked.
_OPENAPI_ONLY_FORMATS = frozenset({"int32", "int64", "float", "double", "byte", "binary"})
_UNPARSED_MEDIA = ("text/", "multipart/", "application/x-www-form-urlencoded", "application/xml")


class Compiler:
    """Builds a document's validators, one per schema location, sharing one registry each."""

    def __init__(self, document: dict[str, Any], uri: str) -> None:
        self.document = document
        self.uri = uri
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(uri, resource).crawl()
        self._rs_registry = jsonschema_rs.Registry([(uri, document)])
        self._checker = FormatChecker()
        formats = _formats_in(document)
        if unchecked := formats & _OPENAPI_ONLY_FORMATS:
            raise ValueError(f"formats jsonschema cannot check: {sorted(unchecked)}")
        # jsonschema-rs calls jsonschema's own format checks, so both agree on what a date is.
        self._formats = {name: self._conforms(name) for name in formats}
        self._schemas: dict[str, Schema] = {}

    def _conforms(self, name: str) -> Callable[[Any], bool]:
        return lambda value: bool(self._checker.conforms(value, name))

    def schema(self, pointer: str) -> Schema:
        if pointer not in self._schemas:
            root = {"$ref": f"{self.uri}#{quote(pointer, safe='/~')}"}
            fast = jsonschema_rs.Draft202012Validator(
                root,
                registry=self._rs_registry,
                validate_formats=True,
                formats=self._formats,
                offline=True,
            )
            slow = Draft202012Validator(root, registry=self._registry, format_checker=self._checker)
            self._schemas[pointer] = Schema(fast, slow)
        return self._schemas[pointer]

    def operations(self) -> dict[str, dict[str, Operation]]:
        """{path template: {method: Operation}} for every operation in the document."""
        found: dict[str, dict[str, Operation]] = {}
        for path, item in self.document.get("paths", {}).items():
            item_pointer = f"/paths/{_escape(path)}"
            shared = item.get("parameters", [])
            found[path] = {
                method: self._operation(
                    item[method], f"{item_pointer}/{method}", shared, item_pointer
                )
                for method in METHODS
                if method in item
            }
        return found

    def _operation(
        self, operation: dict[str, Any], pointer: str, shared: list[Any], item_pointer: str
    ) -> Operation:
        # The operation's own parameters first, then the path's (openapi-core's order).
        listed = [
            (p, f"{pointer}/parameters/{i}") for i, p in enumerate(operation.get("parameters", []))
        ]
        listed += [(p, f"{item_pointer}/parameters/{i}") for i, p in enumerate(shared)]
        params: dict[tuple[str, str], Param] = {}
        for node, at in listed:
            param = self._param(*self._resolved(node, at))
            params.setdefault((param.name, param.location), param)
        body = None
        if "requestBody" in operation:
            node, at = self._resolved(operation["requestBody"], f"{pointer}/requestBody")
            body = Body(bool(node.get("required", False)), self._media(node["content"], at))
        answers = {
            str(status): self._answer(*self._resolved(node, f"{pointer}/responses/{status}"))
            for status, node in operation.get("responses", {}).items()
        }
        return Operation(tuple(params.values()), body, answers)

    def _param(self, node: dict[str, Any], pointer: str) -> Param:
        # Extensions (x-…) document; they carry no rule to compile.
        if extra := {key for key in node if not key.startswith("x-")} - _PARAMETER_KEYS:
            raise ValueError(f"{pointer}: parameter keywords not compiled: {sorted(extra)}")
        schema_node = self._target(node["schema"])
        kind = schema_node.get("type")
        if kind not in CASTS:
            raise ValueError(f"{pointer}: parameter type {kind!r} not compiled")
        schema = self.schema(f"{pointer}/schema")
        if "default" in schema_node and schema.errors(schema_node["default"]):
            raise ValueError(f"{pointer}: the default breaks the parameter's own schema")
        location = node["in"]
        required = bool(node.get("required", False))
        return Param(
            node["name"], location, required, CASTS[kind], schema, "default" in schema_node
        )

    def _answer(self, node: dict[str, Any], pointer: str) -> Answer:
        media = self._media(node["content"], pointer) if "content" in node else None
        headers = []
        for name, header in node.get("headers", {}).items():
            if name.lower() == "content-type":  # never checked (the content is)
                continue
            header, at = self._resolved(header, f"{pointer}/headers/{_escape(name)}")
            if self._target(header["schema"]).get("type") != "string":
                raise ValueError(f"{at}: only string headers are compiled")
            headers.append(
                Header(name, bool(header.get("required", False)), self.schema(f"{at}/schema"))
            )
        return Answer(media, tuple(headers))

    def _media(self, content: dict[str, Any], pointer: str) -> dict[str, Schema | None]:
        media: dict[str, Schema | None] = {}
        for mimetype, node in content.items():
            if mimetype.startswith(_UNPARSED_MEDIA):
                raise ValueError(f"{pointer}: media type {mimetype} not compiled")
            at = f"{pointer}/content/{_escape(mimetype)}/schema"
            media[mimetype] = self.schema(at) if "schema" in node else None
        return media

    def _resolved(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        """A parameter, body, response or header object, past its `$ref`s, and where it is."""
        while "$ref" in node:
            pointer = _local(node["$ref"])
            node = _at(self.document, pointer)
        return node, pointer

    def _target(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = _at(self.document, _local(schema["$ref"]))
        return schema


def _local(ref: str) -> str:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are compiled: {ref}")
    return ref[1:]


def _at(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _formats_in(node: Any) -> set[str]:
    if isinstance(node, list):
        return {f for item in node for f in _formats_in(item)}
    if not isinstance(node, dict):
        return set()
    found = {node["format"]} if isinstance(node.get("format"), str) else set()
    inside = (v for k, v in node.items() if k not in ("example", "examples", "const", "enum"))
    return found.union(*(_formats_in(value) for value in inside))
