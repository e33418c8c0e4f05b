"""Answers made once and sent many times: serialised bytes with their ETag,
gzipped once on first demand, kept by each worker (Services.answers) under a key
that says when they go stale (the versions the worker holds, the day, the
request's own parameters)."""

from __future__ import annotations

import gzip
import hashlib

from flask import Response, request

from turfmap.web.json_provider import dumps_bytes

GEOJSON = "application/geo+json"


class Payload:
    """Serialised bytes with their ETag, gzipped once on first demand."""

    def __init__(self, data: bytes):
        self.data = data
        self.etag = hashlib.sha1(data).hexdigest()
        self._gzipped: bytes | None = None

    @classmethod
    def of(cls, body: dict) -> Payload:
        return cls(dumps_bytes(body))

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.data, 6)
        return self._gzipped


def payload_response(payload: Payload, mimetype: str) -> Response:
    """The payload, gzipped where accepted, with its ETag (conditional requests get
    a 304)."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(payload.gzipped, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.set_etag(payload.etag, weak=True)  # names the content, not these bytes
    else:
        response = Response(payload.data, mimetype=mimetype)
        response.set_etag(payload.etag)
    return response.make_conditional(request)


def map_data_response(body: dict | Payload, mimetype: str = GEOJSON) -> Response:
    """Map data, public for five minutes, so that a map panning back and forth
    re-downloads nothing and nginx or a CDN may serve it (deploy/nginx.conf); its
    ETag (of the content) changes with a new generation or a changed colour."""
    response = payload_response(body if isinstance(body, Payload) else Payload.of(body), mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
