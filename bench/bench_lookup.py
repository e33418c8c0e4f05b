"""Point-in-polygon lookups per second: the in-memory STRtree against a PostGIS GiST
query on one connection, same points, same run. Target: STRtree >= 10x PostGIS."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sqlalchemy import text

from bench.common import UK, backends, fresh_database, load_uk_seats
from turfmap.spatial.holder import build_index

N_POINTS = 5000


def sample_points(n: int) -> np.ndarray:
    """Real places people live: live Aberdeen postcodes, plus uniform points over
    Great Britain's box (many at sea, the worst case for a lookup)."""
    frame = pd.read_csv(
        UK / "onspd_sample_aberdeen_postcodes.csv", dtype=str, keep_default_na=False
    )
    frame = frame[(frame.doterm == "") & (frame.lat != "99.999999")]
    postcodes = frame[["long", "lat"]].astype(float).to_numpy()
    rng = np.random.default_rng(2024)
    uniform = np.column_stack([rng.uniform(-6, 2, n), rng.uniform(50, 58.6, n)])
    points = np.vstack([postcodes[rng.integers(0, len(postcodes), n // 2)], uniform[: n // 2]])
    rng.shuffle(points)
    return points


def run() -> dict:
    points = sample_points(N_POINTS)
    figures = {}
    backend = "postgis" if "postgis" in backends() else "sqlite"
    with fresh_database(backend) as database:
        load_uk_seats(database)
        with database.session() as session:
            start = time.perf_counter()
            index = build_index(session)
            figures["index_build_seconds"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        tree_hits = [tuple(d.code for d in index.district_at(x, y)) for x, y in points]
        tree_rate = len(points) / (time.perf_counter() - start)
        figures["strtree_lookups_per_second"] = round(tree_rate)
        print(
            f"STRtree: {tree_rate:,.0f} lookups/s over {len(points):,} points "
            f"(index built in {figures['index_build_seconds']} s)"
        )
        if backend == "postgis":
            query = text(
                "SELECT code FROM districts JOIN generations g ON g.id = generation_id "
                "WHERE g.active AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
                "ORDER BY code"
            )
            with database.engine.connect() as connection:
                start = time.perf_counter()
                gist_hits = [
                    tuple(connection.execute(query, {"x": x, "y": y}).scalars()) for x, y in points
                ]
                gist_rate = len(points) / (time.perf_counter() - start)
            agree = sum(a == b for a, b in zip(tree_hits, gist_hits, strict=True))
            figures["postgis_gist_lookups_per_second"] = round(gist_rate)
            figures["ratio"] = round(tree_rate / gist_rate, 1)
            print(
                f"PostGIS GiST, one connection: {gist_rate:,.0f} lookups/s; STRtree is "
                f"{tree_rate / gist_rate:.1f}x (target >= 10x); answers agree on "
                f"{agree:,}/{len(points):,} points"
            )
        else:
            print("PostGIS comparison skipped: set TURFMAP_TEST_POSTGRES_URL")
    return figures


if __name__ == "__main__":
    run()
