"""Domain errors. Each carries the HTTP status and a stable code, so that the CLI
prints the message and exits non-zero, and the web layer renders it as JSON."""

from __future__ import annotations


def shown(value: object, limit: int = 60, *, quote: bool = True) -> str:
    """A value for an error message, cut short: messages never echo unbounded input
    back. Quoted (repr) unless ``quote`` is false.

    >>> shown("E14001279"), shown("x" * 100, limit=10), shown("91", quote=False)
    ("'E14001279'", "'xxxxxxxxxx…' (100 characters)", '91')
    """
    text = str(value)
    if len(text) > limit:
        cut = f"{text[:limit]}…"
        return (repr(cut) if quote else cut) + f" ({len(text)} characters)"
    return repr(text) if quote else text


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


class Gone(TurfmapError):
    """Something that existed and has lapsed: an expired walk link."""

    status = 410
    code = "expired"


class Conflict(TurfmapError):
    """Someone else changed the thing since the user loaded it."""

    status = 409
    code = "conflict"
