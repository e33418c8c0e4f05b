"""Each API operation declared once, beside its handler: its parameters (types,
bounds, enums, defaults, patterns), its body, its answer's schema and the
statuses it may give. Three things read a declaration, so they cannot disagree:

- request parsing: ``@declared(...)`` reads the parameters with the same bounds
  and patterns the document states, and calls the view with the values;
- the OpenAPI document (turfmap/web/openapi.py walks the routes and their
  declarations);
- the command line, where its options mirror the API's (``turfmap simulate
  --mode/--max-minutes`` read ``MODE`` and ``MAX_MINUTES`` of api_volunteer).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request

from turfmap.errors import InputError, shown
from turfmap.web import params
from turfmap.web.guard import json_object


@dataclass(frozen=True)
class Param:
    """One parameter: what the document says of it and how the request is read."""

    name: str
    schema: dict
    reader: Callable[[Mapping[str, Any]], Any] = field(repr=False)
    required: bool = False
    description: str | None = None
    example: Any = None
    keys: tuple[str, ...] = ()  # the query keys it reads, where not just its name
    serialised: dict = field(default_factory=dict)  # OpenAPI style/explode

    def read(self, values: Mapping[str, Any]) -> Any:
        return self.reader(values)

    def document(self, where: str) -> dict:
        entry = {"name": self.name, "in": where, "required": self.required or where == "path"}
        entry |= {"schema": self.schema} | self.serialised
        if self.description:
            entry["description"] = self.description
        if self.example is not None:
            entry["example"] = self.example
        return entry

    @property
    def low(self) -> float:
        return self.schema["minimum"]

    @property
    def high(self) -> float:
        return self.schema["maximum"]

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.schema["enum"])


def number(name, low, high, *, default=None, required=False, **doc) -> Param:
    schema = {"type": "number", "minimum": low, "maximum": high}
    if default is not None:
        schema["default"] = default

    def reader(args):
        return params.number(args, name, low=low, high=high, required=required, default=default)

    return Param(name, schema, reader, required, **doc)


def integer(name, low, high, *, default, **doc) -> Param:
    schema = {"type": "integer", "minimum": low, "maximum": high, "default": default}
    return Param(
        name,
        schema,
        lambda args: params.whole_number(args, name, low=low, high=high, default=default),
        **doc,
    )


def flag(name, **doc) -> Param:
    """Yes/no, absent meaning no. The words it takes are listed, not "a boolean":
    a query string has no booleans, and the document says what the code takes."""
    schema = {"type": "string", "enum": list(params.FLAG_VALUES), "default": "0"}
    return Param(name, schema, lambda args: params.flag(args, name), **doc)


def choice(name, options: tuple[str, ...], *, default: str, **doc) -> Param:
    schema = {"type": "string", "enum": list(options), "default": default}
    return Param(
        name,
        schema,
        lambda args: params.choice(args, name, options=options, default=default),
        **doc,
    )


def text(
    name,
    *,
    max_length: int,
    min_length: int = 1,
    pattern: re.Pattern | None = None,
    expected: str = "",
    required: bool = False,
    **doc,
) -> Param:
    """A string; sent empty, it is refused (params.given), hence min_length 1."""
    schema: dict = {"type": "string", "minLength": min_length, "maxLength": max_length}
    if pattern is not None:
        schema["pattern"] = pattern.pattern

    def reader(args):
        return params.text(
            args,
            name,
            required=required,
            min_length=min_length,
            max_length=max_length,
            pattern=pattern,
            expected=expected,
        )

    return Param(name, schema, reader, required, **doc)


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def day(name, **doc) -> Param:
    """A date, YYYY-MM-DD (RFC 3339's full-date, as the document's format says)."""

    def reader(values):
        raw = params.text(values, name, max_length=10, pattern=_DATE, expected="a date")
        return None if raw is None else params.calendar_day(raw, name)

    return Param(name, {"type": "string", "format": "date"}, reader, **doc)


def path_integer(name, high: int, **doc) -> Param:
    """An id in the path: the route's converter has read it (beyond ``high``, or
    not digits, no route matches: 404)."""
    schema = {"type": "integer", "minimum": 0, "maximum": high}
    return Param(name, schema, lambda values: values[name], True, **doc)


def one_of(name: str, groups: dict[str, tuple[Param, ...]], reader, **doc) -> Param:
    """Alternative groups of query keys (a postcode, or lat and lon): an object
    parameter spread over the query string (form style, exploded), each group
    one branch of a oneOf that takes only its own keys."""
    branches = [
        {
            "title": title,
            "type": "object",
            "required": [p.name for p in members],
            "properties": {p.name: p.schema for p in members},
            "additionalProperties": False,
        }
        for title, members in groups.items()
    ]
    keys = tuple(p.name for members in groups.values() for p in members)
    return Param(
        name,
        {"type": "object", "oneOf": branches},
        reader,
        True,
        keys=keys,
        serialised={"style": "form", "explode": True},
        **doc,
    )


@dataclass(frozen=True)
class Operation:
    summary: str
    answer: dict  # the schema of a successful answer's body
    query: tuple[Param, ...] = ()
    path: tuple[Param, ...] = ()
    body: tuple[Param, ...] | None = None  # the fields of a JSON object body
    example: str = ""  # a body, for the message when one cannot be read
    status: int = 200
    content: str = "application/json"
    errors: dict[int, str] = field(default_factory=dict)  # status: when it is given
    headers: dict = field(default_factory=dict)  # headers of a successful answer

    def read(self, args: Mapping[str, str], view_args: Mapping[str, Any]) -> dict:
        values = {p.name: p.read(args) for p in self.query}
        for p in self.path:
            values[p.name] = p.read(view_args)
        if self.body is not None:
            values["body"] = self.read_body(json_object(self.example))
        return values

    def read_body(self, body: dict) -> dict:
        known = {p.name for p in self.body}
        unknown = [key for key in body if key not in known]
        if unknown:
            raise InputError(
                f"field {shown(unknown[0])} is not one this operation takes "
                f"({', '.join(sorted(known))})"
            )
        return {p.name: p.read(body) for p in self.body}

    def body_schema(self) -> dict:
        return {
            "type": "object",
            "required": [p.name for p in self.body if p.required],
            "properties": {p.name: p.schema | _described(p) for p in self.body},
            "additionalProperties": False,
        }


def _described(param: Param) -> dict:
    return {"description": param.description} if param.description else {}


def query_args() -> dict[str, str]:
    """The query string as a plain dict, a key given twice refused (which of the two
    was meant?). A plain dict: a MultiDict builds an exception for every absent
    key it is asked for, and a recommendation asks for several."""
    found = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            raise InputError(f"{shown(key)} is given {len(values)} times; give it once")
        found[key] = values[0]
    return found


def declared(operation: Operation):
    """The view is called with its declared parameters read from the request."""

    def wrap(view):
        @functools.wraps(view)
        def handler(**view_args):
            return view(**operation.read(query_args(), view_args))

        handler.operation = operation
        return handler

    return wrap
