"""Prometheus metrics, through prometheus_client (the Prometheus project's own).

Defined once here, at import, as prometheus_client expects; every layer may count
into them, none reads them back. /metrics (web/observe.py) serves them. Under
gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder
(deploy/gunicorn.conf.py clears it at start): every worker then writes its figures
there and /metrics adds them up, whichever worker answers.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "turfmap_requests",
    "Requests answered, by route (the URL rule, not the address), method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "turfmap_request_seconds",
    "Time to answer, by route",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BUILDS = Histogram(
    "turfmap_build_seconds",
    "Time to build what a worker holds: the spatial index or the need board",
    ["what"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
DELTAS = Counter(
    "turfmap_board_deltas",
    "Commits (this worker's own or heard from others) counted into the need board "
    "without a rebuild",
)
NOTICES = Counter(
    "turfmap_notices",
    "Notices of other processes' commits heard through PostgreSQL LISTEN",
)
PUBLIC_READS = Counter(
    "turfmap_public_reads",
    "Sessions opened for public reads, by where they read from",
    ["source"],
)
