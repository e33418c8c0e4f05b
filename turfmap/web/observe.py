"""What an operator watches: request metrics and /metrics (Prometheus), and log
lines as JSON when TURFMAP_LOG_FORMAT=json (one object per line, for a log
shipper), each request's line carrying the client's address as ProxyFix sees it."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from turfmap import metrics

request_log = logging.getLogger("turfmap.requests")


class JsonLines(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, and the
    request fields a request's line carries.

    >>> record = logging.LogRecord("turfmap", logging.WARNING, "x.py", 1, "a %s", ("b",), None)
    >>> record.created, record.status = 0, 404
    >>> for name, value in json.loads(JsonLines().format(record)).items():
    ...     print(name, value)
    time 1970-01-01T00:00:00+00:00
    level WARNING
    logger turfmap
    message a b
    status 404
    """

    FIELDS = ("method", "path", "route", "status", "ms", "client")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= {name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def use_json_logs() -> None:
    """Every logger's lines (turfmap's, Flask's, gunicorn's once its configuration
    asks for it) as JSON, on standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def install(app: Flask) -> None:
    json_logs = app.config["TURFMAP_LOG_FORMAT"] == "json"
    if json_logs:
        use_json_logs()

    @app.before_request
    def started():
        g.turfmap_started = time.perf_counter()

    @app.after_request
    def measured(response: Response) -> Response:
        started_at = g.get("turfmap_started")
        if started_at is None:
            return response
        seconds = time.perf_counter() - started_at
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        metrics.LATENCY.labels(route).observe(seconds)
        if json_logs:
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 2),
                    "client": request.remote_addr,
                },
            )
        return response

    @app.get("/metrics")
    def metrics_page():
        """Prometheus's text format; every worker's figures where gunicorn runs
        several (PROMETHEUS_MULTIPROC_DIR)."""
        registry = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
