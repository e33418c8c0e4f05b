"""Domain errors. Each carries the HTTP status and a stable code, so that the CLI
prints the message and exits non-zero, and the web layer renders it as JSON."""

from __future__ import annotations


class TurfmapError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class InputError(TurfmapError):
    """Something a user typed or uploaded is wrong; the message names where."""

    status = 400
    code = "invalid_input"


class NotFound(TurfmapError):
    status = 404
    code = "not_found"


class SourceUnavailable(TurfmapError):
    """A remote source could not be reached or failed its checksum."""

    status = 502
    code = "source_unavailable"


class Forbidden(TurfmapError):
    status = 403
    code = "forbidden"


class Conflict(TurfmapError):
    """Someone else changed the thing since the user loaded it."""

    status = 409
    code = "conflict"
