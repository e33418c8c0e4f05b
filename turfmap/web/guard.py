"""The edge of every request: what no view should ever have to think about.

- Bodies: JSON and forms are at most JSON_BODY_LIMIT (16 KB); only the workspace's
  file uploads may send up to TURFMAP_MAX_UPLOAD_MB. Beyond: 413.
- URLs: at most MAX_URL characters of path and query (414, as JSON on the API).
- NUL bytes and lone surrogates, in the path, the query, a form or a JSON body,
  are refused with 400: PostgreSQL cannot store NUL in text, no encoder can write
  a lone surrogate, and no person types either.
- JSON bodies are one flat object read by orjson (whose nesting limit turns
  100,000 brackets into a clean error, not a RecursionError).
- Path integers beyond the database's INTEGER do not match their route (404).
"""

from __future__ import annotations

import re

import orjson
from flask import Flask, request
from werkzeug.exceptions import RequestURITooLarge
from werkzeug.routing import IntegerConverter

from turfmap.errors import InputError, shown

JSON_BODY_LIMIT = 16 * 1024  # every request body but the workspace's file uploads
MAX_URL = 4096
DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER, the type of every id column
UPLOAD_ENDPOINTS = frozenset({"admin.needs_upload", "admin.boundaries"})
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class DatabaseInt(IntegerConverter):
    """``<int:...>`` in every route: ids that the database could hold, else no match."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any route is added: routes bind their converter when registered."""
    app.url_map.converters["int"] = DatabaseInt


def install(app: Flask) -> None:
    @app.before_request
    def edge():
        if request.endpoint not in UPLOAD_ENDPOINTS:
            request.max_content_length = JSON_BODY_LIMIT
        query = request.environ.get("QUERY_STRING", "")
        if len(query) + len(request.path) > MAX_URL:
            raise RequestURITooLarge(f"The address is longer than {MAX_URL} characters.")
        refuse_forbidden(request.path, "the address")
        # Decoding a query never makes a lone surrogate (bad UTF-8 becomes U+FFFD),
        # so only an encoded or raw NUL needs the values read one by one.
        if "%00" in query or "\x00" in query:
            for key, values in request.args.lists():
                refuse_forbidden(key, "a query parameter's name")
                for value in values:
                    refuse_forbidden(value, f"query parameter {shown(key)}")
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for key, values in request.form.lists():
                for value in values:
                    refuse_forbidden(value, f"form field {shown(key)}")


def refuse_forbidden(value: str, where: str) -> None:
    """
    >>> refuse_forbidden("Hendon", "field 'name'")
    >>> refuse_forbidden("Hen\\x00don", "field 'name'")
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'name' holds a NUL byte or a lone surrogate, ...
    """
    if _FORBIDDEN.search(value):
        raise InputError(
            f"{where} holds a NUL byte or a lone surrogate, which is not text anyone types",
            code="invalid_text",
        )


def json_object(example: str) -> dict:
    """The request's body as one flat JSON object (strings, numbers, true/false,
    null), or a 400 showing ``example``."""
    if not request.is_json:
        raise InputError(f"send JSON (Content-Type: application/json) like {example}")
    data = request.get_data(cache=True)  # at most JSON_BODY_LIMIT: 413 beyond
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        reason = str(error)[:80]
        raise InputError(f"the body is not JSON ({reason}); send JSON like {example}") from None
    if not isinstance(body, dict):
        raise InputError(f"send a JSON object like {example}")
    for key, value in body.items():
        refuse_forbidden(key, "a field's name")
        if isinstance(value, dict | list):
            raise InputError(f"field {shown(key)}: a nested value; send JSON like {example}")
        if isinstance(value, str):
            refuse_forbidden(value, f"field {shown(key)}")
    return body
