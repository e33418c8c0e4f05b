"""Time to import the UK 2024 generalised boundaries plus GE2024 results, per backend.

Target: <= 15 s. Baseline in the same run: geopandas reading the same file, the
floor any import must pay; the ratio is the cost of checking, repairing,
simplifying three zoom bands and loading in one transaction.
"""

from __future__ import annotations

import time

import geopandas as gpd

from bench.common import UK, backends, fresh_database
from turfmap.pipeline.boundaries import BoundaryOptions, import_boundaries
from turfmap.pipeline.results import import_results
from turfmap.store.generations import activate

BOUNDARIES = UK / "wpc_2024_uk_bgc.topojson"
RESULTS = UK / "HoC-GE2024-results-by-constituency.csv"


def run() -> dict:
    start = time.perf_counter()
    gpd.read_file(BOUNDARIES)
    baseline = time.perf_counter() - start
    figures = {"baseline_read_seconds": round(baseline, 2)}
    for backend in backends():
        with fresh_database(backend) as database:
            start = time.perf_counter()
            import_boundaries(
                database, BOUNDARIES, BoundaryOptions("westminster-2024", commit=True)
            )
            with database.transaction() as session:
                activate(session, "westminster-2024")
            import_results(
                database, RESULTS, set_slug="westminster-2024", target_party="Lab", commit=True
            )
            seconds = time.perf_counter() - start
        figures[f"{backend}_import_seconds"] = round(seconds, 2)
        print(
            f"import UK 2024 boundaries + GE2024 on {backend}: {seconds:.1f} s "
            f"(target <= 15 s; {seconds / baseline:.1f}x a bare geopandas read of "
            f"{baseline:.2f} s)"
        )
    return figures


if __name__ == "__main__":
    run()
