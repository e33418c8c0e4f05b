"""The OpenAPI 3 document for /api/v1, generated from the routes and the
declaration each handler carries (turfmap/web/declare.py): nothing in it is
written twice, so an operation cannot be undocumented or documented wrongly."""

from __future__ import annotations

import re

from flask import Flask

from turfmap.web import schemas
from turfmap.web.declare import Operation

PREFIX = "/api/v1"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
# What any operation may answer, besides its own statuses.
EVERY_OPERATION = {
    400: "Bad input, named in the message (a parameter out of its range or form, or given twice)",
    414: "The address is longer than 4,096 characters",
    429: "Past a rate limit for this client address (TURFMAP_API_RATE_LIMIT, and for "
    "writes their own limits)",
    503: "The database cannot be reached just now",
}
WITH_RETRY = {429, 503}
DESCRIPTION = (
    "Where volunteers' canvassing matters most. GET endpoints allow any origin (CORS). "
    'Every error is JSON: {"error": {"code", "message"}}, the message naming the '
    "parameter, field or value at fault."
)


def document(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX):
            continue
        operation: Operation | None = getattr(app.view_functions[rule.endpoint], "operation", None)
        if operation is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) has no @declared operation")
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(operation, rule.endpoint)
    return {
        "openapi": "3.0.3",
        "info": {"title": "turfmap API", "version": "1", "description": DESCRIPTION},
        "paths": paths,
        "components": {"schemas": schemas.COMPONENTS},
    }


def _operation(operation: Operation, endpoint: str) -> dict:
    entry = {
        "operationId": endpoint.split(".")[-1],
        "summary": operation.summary,
        "parameters": [p.document("path") for p in operation.path]
        + [p.document("query") for p in operation.query],
        "responses": _responses(operation),
    }
    if operation.body is not None:
        entry["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": operation.body_schema()}},
        }
    return entry


def _responses(operation: Operation) -> dict:
    success = {
        "description": "OK" if operation.status == 200 else "Created",
        "content": {operation.content: {"schema": operation.answer}},
    }
    if operation.headers:
        success["headers"] = operation.headers
    responses = {str(operation.status): success}
    errors = EVERY_OPERATION | operation.errors
    if operation.body is not None:
        errors = errors | {413: "The body is larger than 16 KB"}
    for status, when in sorted(errors.items()):
        if status == 304:
            responses["304"] = {"description": when}
            continue
        answer = {
            "description": when,
            "content": {"application/json": {"schema": schemas.ref("Error")}},
        }
        if status in WITH_RETRY:
            answer["headers"] = RETRY_AFTER
        responses[str(status)] = answer
    return responses
