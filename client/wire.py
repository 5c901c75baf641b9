"""Mapping between frozen dataclasses and the spec's JSON, with exact Decimal numbers."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)
Parse = Callable[[Any], Any]


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def integer(value: Any) -> int:
    """A JSON integer: any number whose value is whole (JSON Schema's rule: 1.0 is one), int64."""
    # bool is an int subclass; JSON true is never a number.
    whole = isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()
    if not whole and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"expected an integer, got {value!r}")
    # Compared before int(): int(Decimal("1E+999999999")) would build a billion digits.
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"{value} is out of the int64 range")
    return int(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a boolean, got {value!r}")
    return value


def decimal(value: Any) -> Decimal:
    """A JSON number (parsed with parse_float=Decimal) or a decimal string, as Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise TypeError(f"expected a number, got {value!r}")
    # Decimal() also reads "1_000", " 1.2 " and Arabic-Indic digits: a number as a string is
    # a JSON number's text, nothing looser.
    if isinstance(value, str) and not _JSON_NUMBER.fullmatch(value):
        raise ValueError(f"not a number: {value!r}")
    try:
        # A float by its shortest repr: Decimal(1.1) would be 1.100000000000000088817841970….
        result = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    # NaN and Infinity are no JSON number and no price (json reads the literals NaN, Infinity).
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def objects(cls: type[T]) -> Callable[[Any], tuple[T, ...]]:
    """A parser of a JSON array of objects into a tuple of `cls`."""

    def parse(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected an array, got {type(value).__name__}")
        return tuple(from_wire(cls, item) for item in value)

    return parse


def enums(cls: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    """A parser of a JSON array of enum values into a tuple of `cls` members."""

    def parse(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected an array, got {type(value).__name__}")
        return tuple(cls(item) for item in value)

    return parse


def field(name: str, parse: Parse = text, **kwargs: Any) -> Any:
    """A dataclass field that travels as JSON property `name`, read with `parse`."""
    return dataclasses.field(metadata={"wire": name, "parse": parse}, **kwargs)


def wire_names(cls: type[Any]) -> dict[str, dataclasses.Field[Any]]:
    """The JSON property names of a model, each with its dataclass field."""
    return {f.metadata["wire"]: f for f in dataclasses.fields(cls) if "wire" in f.metadata}


def from_wire(cls: type[T], data: Any) -> T:
    """Build `cls` from a decoded JSON object; unknown properties are ignored, null is absent."""
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for name, f in wire_names(cls).items():
        if data.get(name) is not None:
            try:
                kwargs[f.name] = f.metadata["parse"](data[name])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name}: {exc}") from None
    missing = [
        name
        for name, f in wire_names(cls).items()
        if f.name not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:  # by the names the body should have had, not the model's
        raise ValueError(f"missing {', '.join(missing)}")
    return cls(**kwargs)


def to_wire(obj: Any) -> dict[str, Any]:
    """The JSON object of a model instance; None fields are left out."""
    out: dict[str, Any] = {}
    for name, f in wire_names(type(obj)).items():
        value = getattr(obj, f.name)
        if value is not None:
            out[name] = _encode(value, name)
    return out


def compact(obj: Any) -> str:
    """`name=value, …` for the fields of a dataclass instance that are not None."""
    values = ((f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj))
    return ", ".join(f"{name}={value!r}" for name, value in values if value is not None)


def _encode(value: Any, name: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return number(value, name)
    if isinstance(value, tuple):
        return [_encode(item, name) for item in value]
    return value


def number(value: Decimal, name: str = "value") -> int | float:
    """A Decimal as a JSON-serialisable number, refusing any that would not travel exactly."""
    if not value.is_finite():
        raise ValueError(f"{name} {value} is not a finite number")
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    approx = float(value)
    # The json module writes a float by its shortest repr; sending a price that is not the
    # quoted one would get the order rejected, so refuse rather than round silently.
    if Decimal(repr(approx)) != value:
        raise ValueError(f"{name} {value} cannot be sent exactly as a JSON number")
    return approx


def loads(content: bytes) -> Any:
    """Decode a JSON body with every non-integer number as Decimal; ValueError if it is none."""
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        # `[[[[…` nested past Python's stack: no answer of the spec's, so not JSON to us.
        raise ValueError("JSON nested too deeply") from None


def _no_constant(token: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; RFC 8259 has no such tokens.
    raise ValueError(f"{token} is no JSON")


def dumps(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
