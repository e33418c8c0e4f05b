"""First visits a worker can serve (issue 22.7), against the code before issue 22.

A first visit is what a browser asks for on opening the map: the page, Leaflet's
script and stylesheet, the map's three scripts, the seats' GeoJSON and two
searches, all with Accept-Encoding: gzip. One gunicorn worker on the UK seats
(650, SQLite), loaded by wrk (50 connections, 30 s) with nothing but first visits;
the baseline is commit BASELINE run from a git worktree against the same database
in the same run, each version asked for the addresses its own page gives.

    python -m bench.bench_first_visit
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bench.common import ROOT, uk_database

BASELINE = "42acaa6"  # the last commit before issue 22's work
SECONDS = 30
CONNECTIONS = 50
SEARCHES = 200  # distinct search points, over Great Britain


@contextmanager
def worktree(commit: str):
    folder = Path(tempfile.mkdtemp(prefix="turfmap-baseline-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(folder), commit],
        check=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)])


@contextmanager
def one_worker(root: Path, url: str):
    """gunicorn with one worker, running the turfmap package found under ``root``."""
    from tests.servers import gunicorn

    env = {k: v for k, v in os.environ.items() if not k.startswith("TURFMAP_")} | {
        "PYTHONPATH": str(root),
        "TURFMAP_DATABASE_URL": url,
        "TURFMAP_SECRET_KEY": secrets.token_urlsafe(48),
        "TURFMAP_API_RATE_LIMIT": "none",  # one address sends everything here
        "TURFMAP_INDEX_CHECK_SECONDS": "60",
        "TURFMAP_CACHE_DIR": tempfile.mkdtemp(prefix="turfmap-cache-"),
    }
    with gunicorn(env, workers=1, root=root) as (_, base):
        yield base


def visit_paths(base: str, searches: list[str]) -> list[str]:
    """What a browser asks for on a first visit, as this version's page names it."""
    import urllib.request

    with urllib.request.urlopen(f"{base}/", timeout=30) as answer:
        page = answer.read().decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page)
    wanted = ("leaflet.js", "leaflet.css", "/map.js", "map-results.js", "map-hexes.js")
    chosen = [next(a for a in assets if a.endswith(name)) for name in wanted]
    return ["/", *chosen, "/api/v1/sets/westminster-2024/districts.geojson?zoom=6", *searches]


def rate(base: str, visit: list[str], searches: list[str]) -> tuple[float, int]:
    """(first visits a second, errors) over SECONDS with wrk."""
    quoted = ",".join(f'"{p}"' for p in visit)
    places = ",".join(f'"{p}"' for p in searches)
    script = f"""
visit = {{{quoted}}}
places = {{{places}}}
step = 0
request = function()
  step = step + 1
  local i = (step - 1) % #visit + 1
  local path = visit[i]
  if path == "SEARCH" then path = places[math.random(#places)] end
  return wrk.format("GET", path, {{["Accept-Encoding"] = "gzip"}})
end
done = function(summary, latency, requests)
  io.write(string.format("errors %d %d\\n", summary.errors.status, summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", file.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(file.name)
    status_errors, socket_errors = map(int, re.search(r"errors (\d+) (\d+)", done).groups())
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))
    return per_second / len(visit), status_errors + socket_errors


def run() -> dict:
    rng = np.random.default_rng(5)
    lons, lats = rng.uniform(-4.5, 0.5, SEARCHES), rng.uniform(51.0, 55.5, SEARCHES)
    searches = [
        f"/api/v1/recommend?lat={a:.4f}&lon={o:.4f}" for o, a in zip(lons, lats, strict=True)
    ]
    figures = {}
    with uk_database() as database, worktree(BASELINE) as old:
        url = database.engine.url.render_as_string(hide_password=False)
        for name, root in ((f"before ({BASELINE})", old), ("now", ROOT)):
            with one_worker(root, url) as base:
                visit = visit_paths(base, ["SEARCH", "SEARCH"])
                rate(base, visit, searches[:5])  # warm: caches, compiled code
                figures[name] = rate(base, visit, searches)
    before, now = figures[f"before ({BASELINE})"][0], figures["now"][0]
    print(f"first visits per second, one gunicorn worker, {CONNECTIONS} connections, {SECONDS} s")
    print(f"(each: {len(visit)} requests: page, 5 static files, GeoJSON, 2 searches; gzip)")
    print("| code | first visits/s | errors |")
    print("|---|---|---|")
    for name, (per_second, errors) in figures.items():
        print(f"| {name} | {per_second:,.1f} | {errors} |")
    print(f"ratio now / before: {now / before:.1f}x (target >= 5x)")
    return {"before": before, "now": now, "ratio": now / before}


if __name__ == "__main__":
    run()
