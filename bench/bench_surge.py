"""Election day on one machine (issue 22.11): the whole production shape under load.

Two app servers (gunicorn, 2 workers each) behind deploy/nginx.conf, on a PostGIS
primary with a streaming replica (pg_basebackup) for public reads, Redis for rate
limits (every API request is counted there, against a limit set too high to
refuse), LISTEN/NOTIFY between the servers; the UK seats (650), GE2024 results and
40 sessions with room for everyone. wrk (loopback) keeps CONNECTIONS connections
busy for SECONDS with a mix of first visits (the page, Leaflet, the map's scripts,
the seats' GeoJSON, two searches) and returning searches; 1% of requests are writes,
half commitments (with the token a search just gave) and half RSVPs. Afterwards,
every 2xx write is looked for in the primary.

The baseline, in the same run: the same mix against one app server directly (no
nginx, no replica), for a ratio. Everything, the load generator included, shares
this machine's two cores, so the figures are a floor for one 2-core server.

    python -m bench.bench_surge [--seconds 60] [--connections 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.common import load_uk_results, load_uk_seats

REDIS_URL = os.environ.get("TURFMAP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SEARCHES = 400
SESSIONS = 40
RETURNING_PER_FIRST_VISIT = 3  # returning searches for each first visit
WRITE_SHARE = 0.01

LUA = r"""
-- A cycle: one first visit (VISIT) then RETURNING searches; searches are answered
-- without gzip so a token can be read from them for a commitment.
visit = {VISIT}
places = {PLACES}
sessions = {SESSIONS}
returning = {RETURNING}
write_share = {WRITE_SHARE}
step, writes, made = 0, {}, 0
committed, booked, refused, last_refusal = 0, 0, 0, ""

math.randomseed(os.time())  -- each run's contacts differ from the last's
setup = function(thread)
  thread:set("id", tostring(math.random(1, 1000000000)))
  threads = threads or {}
  table.insert(threads, thread)
end

local function search()
  return wrk.format("GET", places[math.random(#places)])
end

request = function()
  if #writes > 0 then return table.remove(writes, 1) end
  step = step + 1
  local i = (step - 1) % (#visit + returning) + 1
  if i > #visit or visit[i] == "SEARCH" then return search() end
  return wrk.format("GET", visit[i], {["Accept-Encoding"] = "gzip"})
end

response = function(status, headers, body)
  if status == 201 then
    if body:find("remaining_need", 1, true) then committed = committed + 1 end
    if body:find("places_left", 1, true) then booked = booked + 1 end
  elseif status >= 400 then
    refused = refused + 1
    last_refusal = status .. " " .. string.sub(body, 1, 120)
  end
  local token = status == 200 and body:match('"commit_token": ?"([^"]+)"')
  if token and math.random() < write_share then
    made = made + 1
    if made % 2 == 0 then
      table.insert(writes, wrk.format("POST", "/api/v1/commitments",
        {["Content-Type"] = "application/json"}, '{"token": "' .. token .. '"}'))
    else
      local contact = "surge-" .. id .. "-" .. made .. "@example.org"
      table.insert(writes, wrk.format("POST",
        "/api/v1/sessions/" .. sessions[math.random(#sessions)] .. "/rsvps",
        {["Content-Type"] = "application/json"},
        '{"name": "Surge volunteer", "contact": "' .. contact .. '"}'))
    end
  end
end

done = function(summary, latency, requests)
  local c, b, r = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("committed")
    b = b + thread:get("booked")
    r = r + thread:get("refused")
    local seen = thread:get("last_refusal")
    if seen ~= "" then io.write("REFUSAL " .. seen .. "\n") end
  end
  io.write(string.format(
    "RESULT {\"requests\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, " ..
    "\"max_ms\": %.2f, \"status_errors\": %d, \"socket_errors\": %d, \"refused\": %d, " ..
    "\"commitments\": %d, \"rsvps\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, r, c, b))
end
"""


def lua_list(items) -> str:
    return "{" + ",".join(json.dumps(str(item)) for item in items) + "}"


def load(url: str) -> list[int]:
    """The UK seats and GE2024 into the database at ``url``; SESSIONS open sessions
    (ids returned) spread over the seats, each with room for every RSVP."""
    from turfmap.store import db as store_db
    from turfmap.store.models import CanvassSession, District
    from turfmap.store.queries import active_districts, get_set

    database = store_db.Database()
    database.init(url)
    store_db.upgrade(database.engine)
    load_uk_seats(database)
    load_uk_results(database)
    start = datetime.now(UTC) + timedelta(days=1)
    with database.transaction() as session:
        set_id = get_set(session, "westminster-2024").id
        seats: list[District] = [d for _, d in active_districts(session)][:: 650 // SESSIONS]
        made = [
            CanvassSession(
                set_id=set_id,
                district_code=seat.code,
                title=f"Surge session in {seat.name}",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                lon=seat.point_lon,
                lat=seat.point_lat,
                capacity=1_000_000,
                status="approved",
            )
            for seat in seats[:SESSIONS]
        ]
        session.add_all(made)
    ids = [item.id for item in made]
    database.dispose()
    return ids


def wrk(base: str, script: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", file.name,
         base],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(file.name)
    for refusal in re.findall(r"^REFUSAL (.*)$", done.stdout, re.M):
        print(f"  a refusal: {refusal}")
    return json.loads(re.search(r"RESULT (\{.*\})", done.stdout).group(1))


def stored_writes(url: str) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        counts = (
            connection.scalar(text("SELECT count(*) FROM commitments")),
            connection.scalar(text("SELECT count(*) FROM rsvps")),
        )
    engine.dispose()
    return counts


def worker_memory(master_pid: int) -> list[tuple[float, float]]:
    """(RSS MB, PSS MB) of each worker of a gunicorn master: PSS shares the pages
    the workers inherited from the master (copy on write) among them."""
    found = []
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        rss = int(re.search(r"^Rss:\s+(\d+)", rollup, re.M)[1]) / 1024
        pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M)[1]) / 1024
        found.append((rss, pss))
    return found


def cycle_length(visit: list[str]) -> int:
    return len(visit) + RETURNING_PER_FIRST_VISIT


def searches_per_cycle() -> int:
    return 2 + RETURNING_PER_FIRST_VISIT  # the first visit's two, and the returning ones


def script(visit: list[str], searches: list[str], sessions: list[int]) -> str:
    return (
        LUA.replace("{VISIT}", lua_list(visit))
        .replace("{PLACES}", lua_list(searches))
        .replace("{SESSIONS}", lua_list(sessions))
        .replace("{RETURNING}", str(RETURNING_PER_FIRST_VISIT))
        # Writes follow searches: so many of them that WRITE_SHARE of all requests are writes.
        .replace("{WRITE_SHARE}", str(WRITE_SHARE * cycle_length(visit) / searches_per_cycle()))
    )


def run(seconds: int = 60, connections: int = 1000) -> dict:
    from bench.bench_first_visit import visit_paths
    from tests.servers import gunicorn, nginx, own_cluster, production_env, replica_of

    rng = np.random.default_rng(22)
    lons, lats = rng.uniform(-4.5, 0.5, SEARCHES), rng.uniform(51.0, 55.5, SEARCHES)
    points = zip(lons, lats, strict=True)
    searches = [f"/api/v1/recommend?lat={lat:.4f}&lon={lon:.4f}" for lon, lat in points]
    with ExitStack() as stack:
        primary = stack.enter_context(own_cluster())
        sessions = load(primary.url)
        replica = stack.enter_context(replica_of(primary, log_statements=False))
        settings = {
            "TURFMAP_SECRET_KEY": secrets.token_urlsafe(48),
            "TURFMAP_RATE_LIMIT_STORAGE": REDIS_URL,
            "TURFMAP_API_RATE_LIMIT": "100000000 per minute",  # counted in Redis, never hit
            "TURFMAP_COMMIT_LIMIT": "none",  # one address sends every write here
            "TURFMAP_RSVP_LIMIT": "none",
            "TURFMAP_RSVP_CONTACT_LIMIT": "none",
            "TURFMAP_TRUSTED_PROXIES": "1",
            "TURFMAP_CACHE_DIR": stack.enter_context(tempfile.TemporaryDirectory()),
        }
        # The baseline first: one app server, directly, on the primary alone.
        baseline_env = production_env(primary.url, **settings)
        with gunicorn(baseline_env) as (_, base):
            visit = visit_paths(base, ["SEARCH", "SEARCH"])
            load_script = script(visit, searches, sessions)
            wrk(base, load_script, 5, 50)  # warm
            baseline = wrk(base, load_script, max(seconds // 2, 10), connections)
        env = production_env(primary.url, TURFMAP_READ_DATABASE_URL=replica.url, **settings)
        servers = [stack.enter_context(gunicorn(env)) for _ in range(2)]
        _, front = stack.enter_context(nginx([base for _, base in servers]))
        wrk(front, load_script, 5, 50)  # warm: nginx's cache, the workers' pages
        before = stored_writes(primary.url)
        surge = wrk(front, load_script, seconds, connections)
        after = stored_writes(primary.url)
        memory = [m for process, _ in servers for m in worker_memory(process.pid)]
    report(baseline, surge, before, after, memory, len(visit), seconds, connections)
    return surge


def report(baseline, surge, before, after, memory, visit_length, seconds, connections):
    cycle = visit_length + RETURNING_PER_FIRST_VISIT
    per_cycle = searches_per_cycle()

    def per_second(figures):
        return figures["requests"] / figures["seconds"]

    rate, base_rate = per_second(surge), per_second(baseline)
    searches = rate * per_cycle / cycle
    stored = (after[0] - before[0], after[1] - before[1])
    print(f"surge: {connections} connections for {seconds} s through nginx, 2 servers x 2 workers,")
    print("PostGIS primary + streaming replica, Redis limits; each cycle: one first visit")
    print(f"({visit_length} requests) and {RETURNING_PER_FIRST_VISIT} returning searches;")
    print(f"{WRITE_SHARE:.0%} of answers followed by a write")
    print("| setup | requests/s | searches/s | first visits/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, figures in (("one server, direct (baseline)", baseline), ("the deployment", surge)):
        r = per_second(figures)
        errors = figures["status_errors"] + figures["socket_errors"]
        print(f"| {name} | {r:,.0f} | {r * per_cycle / cycle:,.0f} | "
              f"{r / cycle:,.1f} | {figures['p50_ms']:.0f} | {figures['p99_ms']:.0f} | "
              f"{errors} |")  # fmt: skip
    print(f"ratio, deployment / baseline: {rate / base_rate:.2f}x")
    print(f"2xx writes: {surge['commitments']} commitments, {surge['rsvps']} RSVPs; "
          f"found in the primary afterwards: {stored[0]} and {stored[1]} (more where a "
          "write was in flight when wrk stopped: stored, its answer never read)")  # fmt: skip
    for rss, pss in memory:
        print(f"worker memory: RSS {rss:,.0f} MB, PSS {pss:,.0f} MB")
    # The sizing arithmetic: 1.2 million searches a day, 900 at once at the peak.
    peak_hour_share = 0.15  # assumed: the busiest hour carries 15% of the day
    peak_searches = 1_200_000 * peak_hour_share / 3600
    print(f"1.2 million searches a day, 15% in the busiest hour: {peak_searches:,.0f} searches/s; "
          f"one such 2-core machine serves {searches:,.0f} searches/s in this mix, "
          f"{searches / peak_searches:,.1f}x that peak")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=1000)
    arguments = parser.parse_args()
    run(arguments.seconds, arguments.connections)
