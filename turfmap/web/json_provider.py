"""Flask's JSON, written by orjson.

A recommendation answers with ~4 KB of JSON; the standard library's encoder took
about a tenth of the request's time to write it, orjson about a hundredth
(bench/RESULTS.md). Output differs from Flask's default in two ways, both on
purpose: dates are ISO 8601 (``2026-11-23``, as the rest of the API writes them),
and keys keep the order they were built in.
"""

from __future__ import annotations

import orjson
from flask.json.provider import DefaultJSONProvider, _default

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def dumps_bytes(obj, *, indent: bool = False) -> bytes:
    """JSON as UTF-8 bytes; what orjson cannot write itself goes through Flask's own
    fallback (Decimal, objects with ``__html__``), and anything else is a TypeError.

    >>> from decimal import Decimal
    >>> dumps_bytes({"need": 80.5, "day": __import__("datetime").date(2026, 11, 23)})
    b'{"need":80.5,"day":"2026-11-23"}'
    >>> dumps_bytes({"share": Decimal("0.25")})
    b'{"share":"0.25"}'
    """
    option = _OPTIONS | orjson.OPT_INDENT_2 if indent else _OPTIONS
    return orjson.dumps(obj, default=_default, option=option)


class OrjsonProvider(DefaultJSONProvider):
    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        if set(kwargs) - {"indent", "sort_keys"} or kwargs.get("sort_keys"):
            # Options orjson does not share (separators, ensure_ascii, ...): the
            # standard library writes exactly what the caller asked for.
            return super().dumps(obj, **kwargs)
        return dumps_bytes(obj, indent=bool(kwargs.get("indent"))).decode()

    def response(self, *args, **kwargs):
        body = dumps_bytes(self._prepare_response_obj(args, kwargs)) + b"\n"
        return self._app.response_class(body, mimetype=self.mimetype)
