"""Recommendations per second.

In process, on the 650 UK seats and on ~10,000 synthetic wards (each seat cut into
Voronoi cells; target >= 1,000/s and latency growing no more than 2x from 650 to
10,000 districts). Over HTTP under gunicorn with 2 sync workers, against a trivial
JSON endpoint (/healthz) in the same run, taking turns: target >= 60% of its
requests per second. Also printed, to say why the HTTP figure is what it is: each
endpoint's cost through the Flask app with warm and with cold CPU caches, and the
gunicorn workers' CPU per request.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import numpy as np
import shapely

from bench.common import ROOT, uk_database
from turfmap.recommend.board import DistrictNeed, NeedBoard, build_board
from turfmap.recommend.ranking import Constraints
from turfmap.recommend.service import Origin, recommend
from turfmap.scoring.need import NeedInputs, NeedWeights, assess
from turfmap.spatial.holder import build_index
from turfmap.spatial.index import IndexedDistrict, SpatialIndex
from turfmap.store.queries import active_districts
from turfmap.travel.router import EstimateRouter

N_ORIGINS = 3000
HTTP_SECONDS = 3.0
# This machine's throughput drifts by +-15% from one few-second run to the next, so
# the two endpoints take turns and the median of the rounds' ratios is the figure.
HTTP_ROUNDS = 5
IN_PROCESS_ROUNDS = 5
HTTP_CLIENTS = 4
FLUSH_BYTES = 16 << 20  # more than this machine's 4 MB of L2 per core


def origins(n: int, rng) -> np.ndarray:
    """Origins over England and Wales, where most seats are."""
    return np.column_stack([rng.uniform(-3.5, 0.5, n), rng.uniform(50.8, 54.5, n)])


def rate(index, board, points) -> float:
    router, constraints = EstimateRouter(), Constraints()
    start = time.perf_counter()
    for lon, lat in points:
        recommend(index, board, router, Origin(float(lon), float(lat)), constraints)
    return len(points) / (time.perf_counter() - start)


def synthetic_wards(index: SpatialIndex, shapes: dict, per_seat: int, rng):
    """Cut each seat into ``per_seat`` Voronoi cells, with needs drawn from real margins."""
    districts, geometries = [], []
    for seat in index.districts:
        polygon = shapes[seat.code]
        west, south, east, north = polygon.bounds
        seeds = []
        while len(seeds) < per_seat:
            x, y = rng.uniform(west, east), rng.uniform(south, north)
            if shapely.contains_xy(polygon, x, y):
                seeds.append((x, y))
        cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=polygon)
        for n, cell in enumerate(shapely.get_parts(cells)):
            piece = shapely.intersection(cell, polygon)
            if piece.is_empty or piece.area == 0:
                continue
            point = piece.representative_point()
            code = f"{seat.code}-{n:02d}"
            districts.append(
                IndexedDistrict(
                    len(districts), "wards", code, code, seat.code, point.x, point.y, 0.0
                )
            )
            geometries.append(piece)
    return SpatialIndex(districts, geometries)


def ward_board(wards: SpatialIndex, seat_board: NeedBoard) -> NeedBoard:
    entries = {}
    for ward in wards.districts:
        seat = seat_board.get("westminster-2024", ward.parent_code)
        inputs = NeedInputs(
            seat.inputs.margin, seat.inputs.status, (seat.inputs.electorate or 0) // 15
        )
        entries[("wards", ward.code)] = DistrictNeed(
            "wards",
            ward.code,
            ward.name,
            seat.holder,
            seat.runner_up,
            seat.majority,
            seat.target_party,
            inputs,
            assess(inputs, seat_board.day),
        )
    return NeedBoard(seat_board.day, NeedWeights(), entries, ["wards"])


def http_rate(port: int, paths: list[str], seconds: float) -> float:
    """Requests per second, with wrk (Debian's package) where installed: a C load
    generator leaves the two cores to the server. Otherwise Python threads."""
    if shutil.which("wrk"):
        return _wrk_rate(port, paths, seconds)
    return _python_rate(port, paths, seconds)


def _wrk_rate(port: int, paths: list[str], seconds: float) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ",".join(f'"{p}"' for p in paths)
        script.write(
            f"paths = {{{quoted}}}\ncounter = 0\n"
            "request = function()\n  counter = counter + 1\n"
            "  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n"
            "done = function(summary, latency, requests)\n"
            "  io.write(string.format('errors %d\\n', summary.errors.status))\nend\n"
        )
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{HTTP_CLIENTS * 2}",
            f"-d{seconds:g}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    errors = int(re.search(r"errors (\d+)", output).group(1))
    if errors:
        raise RuntimeError(f"{errors} non-2xx answers during the load test:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_rate(port: int, paths: list[str], seconds: float) -> float:
    done = []
    stop = time.perf_counter() + seconds

    def client(offset):
        n, i = 0, offset
        while time.perf_counter() < stop:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", paths[i % len(paths)])
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (paths[i % len(paths)], response.status)
            connection.close()
            n, i = n + 1, i + 1
        done.append(n)

    threads = [threading.Thread(target=client, args=(k * 997,)) for k in range(HTTP_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def app_costs(url: str, paths: list[str]) -> dict[str, tuple[float, float]]:
    """Microseconds per request through the Flask app with no server, as
    {endpoint: (warm, cold)}: warm in a tight loop, cold with the CPU caches
    flushed before each request, as a worker under load finds them after the HTTP
    server, the other worker and the load generator have run."""
    from werkzeug.test import create_environ

    from turfmap import create_app

    app = create_app(
        {
            "TURFMAP_DATABASE_URL": url,
            "TURFMAP_INDEX_CHECK_SECONDS": 60,
            "TURFMAP_DEBUG": True,
            "TURFMAP_API_RATE_LIMIT": None,
        }
    )
    flush = np.ones(FLUSH_BYTES // 8)
    environs = {
        "/healthz": [create_environ("/healthz")] * len(paths),
        "/api/v1/recommend": [create_environ(path) for path in paths],
    }

    def per_request(environs, cold: bool) -> float:
        spent = 0.0
        for environ in environs:
            if cold:
                flush.sum()
            start = time.perf_counter()
            b"".join(app(dict(environ), lambda status, headers, exc_info=None: None))
            spent += time.perf_counter() - start
        return spent / len(environs) * 1e6

    costs = {}
    for endpoint, batch in environs.items():
        per_request(batch[:500], cold=False)  # build the index and board, warm up
        costs[endpoint] = (per_request(batch, cold=False), per_request(batch, cold=True))
    return costs


def worker_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU seconds the server's workers (its child processes) have used."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked: not one of ours
            continue
        if int(fields[1]) == server.pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int, extra: dict | None = None) -> subprocess.Popen:
    env = os.environ | {
        "TURFMAP_DATABASE_URL": url,
        "TURFMAP_INDEX_CHECK_SECONDS": "60",
        "TURFMAP_SECRET_KEY": secrets.token_urlsafe(48),
        # One client address sends every request here: the per-address API limit
        # would measure itself, not turfmap.
        "TURFMAP_API_RATE_LIMIT": "none",
    }
    env |= extra or {}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--no-control-socket",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "turfmap:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def run() -> dict:
    rng = np.random.default_rng(11)
    points = origins(N_ORIGINS, rng)
    paths = [f"/api/v1/recommend?lat={lat:.5f}&lon={lon:.5f}" for lon, lat in points]
    with uk_database() as database:
        figures = in_process(database, points, rng)
        url = str(database.engine.url)
        costs = app_costs(url, paths)
        figures["app_microseconds"] = {k: [round(v) for v in pair] for k, pair in costs.items()}
        print("through the Flask app, no server, microseconds per request (warm / cold caches):")
        for endpoint, (warm, cold) in costs.items():
            print(f"  {endpoint}: {warm:.0f} / {cold:.0f}")
        figures |= over_http(url, paths)
    return figures


def in_process(database, points, rng) -> dict:
    """Seats and synthetic wards take turns, like the HTTP pairs: the median pass of
    each, and the median of the passes' ratios for the growth."""
    with database.session() as session:
        index = build_index(session)
        board = build_board(session, date.today(), NeedWeights())
        shapes = {d.code: d.geometry for _, d in active_districts(session)}
    start = time.perf_counter()
    wards = synthetic_wards(index, shapes, 15, rng)
    built = time.perf_counter() - start
    wards_needs = ward_board(wards, board)
    rate(index, board, points[:500]), rate(wards, wards_needs, points[:500])  # warm up
    passes = [
        (rate(index, board, points), rate(wards, wards_needs, points))
        for _ in range(IN_PROCESS_ROUNDS)
    ]
    seats_rate = sorted(p[0] for p in passes)[IN_PROCESS_ROUNDS // 2]
    wards_rate = sorted(p[1] for p in passes)[IN_PROCESS_ROUNDS // 2]
    # Like the HTTP rounds: each pass's own ratio, so a pass slowed by the machine
    # slows both halves of one ratio rather than one of two medians.
    growth = sorted(p[0] / p[1] for p in passes)[IN_PROCESS_ROUNDS // 2]
    print(f"in process, 650 seats: {seats_rate:,.0f} recommendations/s (target >= 1,000)")
    print(
        f"in process, {len(wards):,} synthetic wards (made in {built:.0f} s): "
        f"{wards_rate:,.0f}/s; latency grows {growth:.2f}x (median of {IN_PROCESS_ROUNDS} "
        f"passes' own ratios: {', '.join(f'{p[0] / p[1]:.2f}' for p in passes)}; target <= 2x)"
    )
    return {
        "seats_per_second": round(seats_rate),
        "wards": len(wards),
        "wards_per_second": round(wards_rate),
        "latency_growth": round(growth, 2),
    }


def over_http(url: str, paths: list[str]) -> dict:
    """/healthz and /api/v1/recommend take turns under load; the median ratio counts."""
    port = _free_port()
    server = _serve(url, port)
    try:
        http_rate(port, paths, 2.0)  # warm both workers' index, board and outlines
        pairs, cpu = [], {"/healthz": [0.0, 0.0], "/api/v1/recommend": [0.0, 0.0]}
        for _ in range(HTTP_ROUNDS):
            pair = []
            for endpoint, batch in (("/healthz", ["/healthz"]), ("/api/v1/recommend", paths)):
                before = worker_cpu_seconds(server)
                pair.append(http_rate(port, batch, HTTP_SECONDS))
                cpu[endpoint][0] += worker_cpu_seconds(server) - before
                cpu[endpoint][1] += pair[-1] * HTTP_SECONDS
            pairs.append(tuple(pair))
    finally:
        server.terminate()
        server.wait(10)
    ratios = sorted(recommended / trivial for trivial, recommended in pairs)
    tool = "wrk" if shutil.which("wrk") else "Python threads"
    print(f"gunicorn, 2 sync workers, load from {tool}, {HTTP_ROUNDS} rounds of each:")
    for trivial, recommended in pairs:
        print(
            f"  /healthz {trivial:,.0f} req/s, /api/v1/recommend {recommended:,.0f} req/s "
            f"= {recommended / trivial:.0%}"
        )
    print(
        f"median ratio {ratios[len(ratios) // 2]:.0%} (target >= 60%); "
        f"range {ratios[0]:.0%}-{ratios[-1]:.0%}"
    )
    per_request = {e: seconds / n * 1e6 for e, (seconds, n) in cpu.items()}
    listed = ", ".join(f"{endpoint} {us:.0f} us" for endpoint, us in per_request.items())
    print(f"workers' CPU per request: {listed}")
    return {
        "http_pairs": [(round(t), round(r)) for t, r in pairs],
        "http_ratio_median": round(ratios[len(ratios) // 2], 2),
        "worker_cpu_microseconds": {e: round(us) for e, us in per_request.items()},
    }


if __name__ == "__main__":
    run()
