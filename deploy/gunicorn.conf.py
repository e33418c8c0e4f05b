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
