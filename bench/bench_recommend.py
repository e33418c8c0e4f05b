"""Recommendations per second.

In process, on the 650 UK seats and on ~10,000 synthetic wards (each seat cut into
Voronoi cells; target >= 1,000/s and latency growing no more than 2x from 650 to
10,000 districts). Over HTTP under gunicorn with 2 sync workers, against a trivial
JSON endpoint (/healthz) in the same run, taking turns: target >= 60% of its
requests per second.
"""

from __future__ import annotations

import http.client
import os
import re
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
IN_PROCESS_ROUNDS = 3
HTTP_CLIENTS = 4


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int, extra: dict | None = None) -> subprocess.Popen:
    env = os.environ | {"TURFMAP_DATABASE_URL": url, "TURFMAP_INDEX_CHECK_SECONDS": "60"}
    env |= extra or {}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
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
    figures = {}
    with uk_database() as database:
        with database.session() as session:
            index = build_index(session)
            board = build_board(session, date.today(), NeedWeights())
            shapes = {d.code: d.geometry for _, d in active_districts(session)}
        start = time.perf_counter()
        wards = synthetic_wards(index, shapes, 15, rng)
        built = time.perf_counter() - start
        wards_needs = ward_board(wards, board)
        rate(index, board, points[:500]), rate(wards, wards_needs, points[:500])  # warm up
        # Taking turns, like the HTTP pairs below: the median pass of each.
        passes = [
            (rate(index, board, points), rate(wards, wards_needs, points))
            for _ in range(IN_PROCESS_ROUNDS)
        ]
        seats_rate = sorted(p[0] for p in passes)[IN_PROCESS_ROUNDS // 2]
        wards_rate = sorted(p[1] for p in passes)[IN_PROCESS_ROUNDS // 2]
        figures |= {
            "seats_per_second": round(seats_rate),
            "wards": len(wards),
            "wards_per_second": round(wards_rate),
            "latency_growth": round(seats_rate / wards_rate, 2),
        }
        print(f"in process, 650 seats: {seats_rate:,.0f} recommendations/s (target >= 1,000)")
        print(
            f"in process, {len(wards):,} synthetic wards (made in {built:.0f} s): "
            f"{wards_rate:,.0f}/s; latency grows {seats_rate / wards_rate:.2f}x "
            "(target <= 2x)"
        )
        port = _free_port()
        server = _serve(str(database.engine.url), port)
        try:
            paths = [f"/api/v1/recommend?lat={lat:.5f}&lon={lon:.5f}" for lon, lat in points]
            http_rate(port, paths, 2.0)  # warm both workers' index, board and outlines
            pairs = [
                (http_rate(port, ["/healthz"], HTTP_SECONDS), http_rate(port, paths, HTTP_SECONDS))
                for _ in range(HTTP_ROUNDS)
            ]
        finally:
            server.terminate()
            server.wait(10)
        ratios = sorted(recommended / trivial for trivial, recommended in pairs)
        figures |= {
            "http_pairs": [(round(t), round(r)) for t, r in pairs],
            "http_ratio_median": round(ratios[len(ratios) // 2], 2),
        }
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
    return figures


if __name__ == "__main__":
    run()
