"""gunicorn settings for turfmap: `gunicorn -c deploy/gunicorn.conf.py 'turfmap:create_app()'`.

Everything here can be overridden on the command line (-w, -b, ...)."""

import json
import os

from gunicorn import util

bind = os.environ.get("TURFMAP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TURFMAP_WORKERS", "2"))
# The longest request line gunicorn accepts: its maximum. turfmap itself refuses
# addresses over 4,096 characters with a JSON 414, so only lines longer than this
# ever meet gunicorn's own error below.
limit_request_line = 8190
# turfmap limits bodies per route itself (16 KB, uploads to TURFMAP_MAX_UPLOAD_MB).
timeout = 60


def _json_error(sock, status_int, reason, mesg):
    """gunicorn's own errors (a request line too long to parse, a malformed header)
    as turfmap's JSON error, not an HTML page: API clients parse every answer as
    JSON. gunicorn calls util.write_error by name at the time of the error."""
    body = json.dumps(
        {"error": {"code": reason.lower().replace(" ", "_"), "message": mesg or reason}}
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("latin1")
    util.write_nonblock(sock, head + body)


# The app is made once, in the master, and its spatial index and need board built
# there before any worker forks: no request pays for the build, and the workers
# share those pages of memory until they change (copy on write).
preload_app = True


def when_ready(server):
    from turfmap.extensions import warm_up

    warm_up(server.app.wsgi())


def post_fork(server, worker):
    util.write_error = _json_error
    # Database connections opened in the master must not be shared by the workers:
    # each worker drops the pool it inherited (without closing the master's
    # connections) and opens its own.
    from turfmap.extensions import after_fork

    after_fork(server.app.wsgi())


# Metrics from every worker (turfmap/metrics.py): each writes its figures into
# PROMETHEUS_MULTIPROC_DIR, emptied here at start so no dead worker's figures linger.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# TURFMAP_LOG_FORMAT=json: gunicorn's own lines (start, workers booting or dying) as
# JSON objects too, like turfmap's; turfmap logs each request itself (with the
# client's address as ProxyFix sees it), so gunicorn's access log stays off.
if os.environ.get("TURFMAP_LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "turfmap.web.observe.JsonLines"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json"},
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }
