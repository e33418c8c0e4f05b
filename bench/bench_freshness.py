"""Writes cost readers almost nothing (issue 22.2), on PostGIS with the UK seats.

1. The freshness token (store/versions.py: three rows) read with 1 million
   commitments stored, against the count(*) over commitments it replaced, in the
   same run.
2. One app server (gunicorn, 2 workers, polling every second as well as hearing
   NOTIFY): the seats' GeoJSON and recommendations under wrk while a second process
   makes 0, 2 and 10 commitments a second; throughput at each rate against the
   rate with none.

    python -m bench.bench_freshness
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request

from sqlalchemy import create_engine, text

from bench.bench_surge import load

SECONDS = 15
# (commitments a second, whether each is new): the last makes the same requests at the
# same rate, every one refused as already used, so that what the writes themselves
# cost this two-core machine is told apart from what they cost the readers.
RATES = ((0, True), (2, True), (10, True), (10, False))
MILLION = 1_000_000


def token_read_ms(url: str) -> dict:
    """Median milliseconds of the versions read and of count(*), with 1 million
    commitments in the table."""
    from sqlalchemy.orm import Session

    from turfmap.store import versions

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO commitments (set_id, district_code, day, token_nonce, created_at) "
                "SELECT 1, 'E14001279', DATE '2026-12-04', 'bench-' || n, now() "
                "FROM generate_series(1, :n) AS n"
            ),
            {"n": MILLION},
        )
        connection.execute(text("ANALYZE commitments"))

    def median_ms(read) -> float:
        times = []
        with Session(engine) as session:
            for _ in range(25):
                started = time.perf_counter()
                read(session)
                times.append((time.perf_counter() - started) * 1000)
        return sorted(times)[len(times) // 2]

    figures = {
        "versions": median_ms(versions.read),
        "count": median_ms(lambda s: s.execute(text("SELECT count(*) FROM commitments")).all()),
    }
    engine.dispose()
    return figures


def committing(base: str, rate: float, new: bool, stop: threading.Event, made: list) -> None:
    """Commitments at ``rate`` a second, each with a token a recommendation gave
    (with ``new`` false, the first token again: refused, nothing written)."""
    if rate == 0:
        return
    first = None
    interval = 1 / rate
    next_at = time.monotonic()
    n = 0
    while not stop.is_set():
        n += 1
        lat, lon = 51.5 + (n % 40) * 0.05, -0.5 + (n % 23) * 0.1
        with urllib.request.urlopen(f"{base}/api/v1/recommend?lat={lat}&lon={lon}") as answer:
            token = json.loads(answer.read())["recommendations"][0]["commit_token"]
        first = first or token
        request = urllib.request.Request(
            f"{base}/api/v1/commitments",
            data=json.dumps({"token": token if new else first}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request) as answer:
                made.append(answer.status)
        except urllib.error.HTTPError as refused:
            made.append(refused.code)
        next_at += interval
        stop.wait(max(0.0, next_at - time.monotonic()))


def throughput(base: str, path: str) -> float:
    done = subprocess.run(
        ["wrk", "-t2", "-c20", f"-d{SECONDS}s", "-H", "Accept-Encoding: gzip", base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in done:
        raise RuntimeError(done)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))


def run() -> dict:
    from tests.servers import gunicorn, own_cluster, production_env

    paths = {
        "GeoJSON": "/api/v1/sets/westminster-2024/districts.geojson?zoom=6",
        "recommendation": "/api/v1/recommend?lat=52.48&lon=-1.89",
    }
    results: dict = {}
    with own_cluster() as cluster:
        load(cluster.url)
        env = production_env(
            cluster.url,
            TURFMAP_SECRET_KEY=secrets.token_urlsafe(48),
            TURFMAP_API_RATE_LIMIT="none",
            TURFMAP_COMMIT_LIMIT="none",
            TURFMAP_INDEX_CHECK_SECONDS="1",
        )
        with gunicorn(env) as (_, base):
            for name, path in paths.items():
                throughput(base, path)  # warm
                for rate, new in RATES:
                    stop, made = threading.Event(), []
                    writer = threading.Thread(target=committing, args=(base, rate, new, stop, made))
                    writer.start()
                    results[(name, rate, new)] = (throughput(base, path), made.count(201))
                    stop.set()
                    writer.join()
        tokens = token_read_ms(cluster.url)
    print(f"one server, 2 workers, wrk 20 connections for {SECONDS} s, while another process")
    print("makes commitments (each after a recommendation of its own):")
    print("| answer | commitments/s | requests/s | vs none |")
    print("|---|---|---|---|")
    for (name, rate, new), (per_second, made) in results.items():
        ratio = per_second / results[(name, 0, True)][0]
        what = f"{rate} ({made} stored)" if new else f"{rate} refused (the same requests)"
        print(f"| {name} | {what} | {per_second:,.0f} | {ratio:.2f} |")
    print(f"freshness token with {MILLION:,} commitments stored: {tokens['versions']:.2f} ms "
          f"(three rows); count(*) over commitments: {tokens['count']:.1f} ms, "
          f"{tokens['count'] / tokens['versions']:,.0f}x")  # fmt: skip
    return {"results": results, "tokens": tokens}


if __name__ == "__main__":
    run()
