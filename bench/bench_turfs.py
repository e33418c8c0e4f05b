"""Turf cutting on real doors (issue 20), against a street-blind baseline measured in
the same run.

Cases:
- Rutland: the 2,507 OSM building footprints (and loose address points) inside Rutland
  and Stamford (E14001458), with the extract's streets; target 80 doors a turf.
- Aberdeen: the live postcodes of the seat holding most of them in the ONSPD sample,
  one door cluster per postcode, no streets (the street-blind fallback); target 80.
- A whole seat of 40,000 doors: the Rutland footprints resampled with replacement
  across the seat, each moved by a random offset (normal, 40 m each way), so the
  density follows where buildings really are; street-aware, target 80.

Each is cut by turfmap (turf/cut.py) and by the baseline: k-means of the same doors
into the same number of turfs, each walked the same way (OR-Tools along the streets,
or in straight lines where there are none). k-means does not hold turf sizes (its
turfs run from 1 to 300 doors), so a second, balanced street-blind baseline is
measured too: recursive bisection of the doors' positions, walked the same way.
Figures: doors per turf, walking metres per door, Polsby-Popper compactness of the
outlines, overlap area, seconds to cut.
"""

from __future__ import annotations

import statistics
import time

import geopandas as gpd
import numpy as np
import shapely

from bench.common import UK
from turfmap.pipeline.osm import read_osm_doors, read_osm_streets
from turfmap.pipeline.streets import split_at_junctions
from turfmap.turf import partition
from turfmap.turf.cut import Streets, cut_doors, walk_groups
from turfmap.turf.network import local_projection, project
from turfmap.turf.shapes import compactness, overlap_area, polygons_only, turf_outlines
from turfmap.turf.walk import walk_points

PBF = UK / "rutland-2018-02-23.osm.pbf"
TARGET = 80


def seat(code: str):
    frame = gpd.read_file(UK / "wpc_2024_uk_bgc.topojson").set_crs(4326, allow_override=True)
    column = next(c for c in frame.columns if c.upper().startswith("PCON") and "CD" in c.upper())
    return shapely.make_valid(frame[frame[column] == code].geometry.iloc[0])


def rutland_streets() -> Streets:
    streets = read_osm_streets(PBF)
    edges = split_at_junctions(streets)
    return Streets(
        [e["geometry"] for e in edges],
        np.array([e["u"] for e in edges]),
        np.array([e["v"] for e in edges]),
        np.array([e["major"] for e in edges]),
        [shapely.LineString(coords) for _, coords in streets.barriers],
    )


def inside(district, lonlat: np.ndarray) -> np.ndarray:
    return lonlat[shapely.contains_xy(district, lonlat[:, 0], lonlat[:, 1])]


def summary(name, sizes, metres, outlines, seconds) -> dict:
    sizes = sorted(sizes)
    low, high = 0.8 * TARGET, 1.2 * TARGET
    return {
        "method": name,
        "turfs": len(sizes),
        "min": sizes[0],
        "median": statistics.median(sizes),
        "max": sizes[-1],
        "within": sum(low <= s <= high for s in sizes),
        "metres_per_door": sum(metres) / sum(sizes),
        "compactness": statistics.median(compactness(o) for o in outlines if not o.is_empty),
        "overlap_m2": overlap_area([o for o in outlines if not o.is_empty]),
        "seconds": seconds,
    }


def ours(lonlat, district, streets, seconds=10.0) -> dict:
    started = time.perf_counter()
    plan = cut_doors(lonlat, district, TARGET, streets, seconds=seconds)
    took = time.perf_counter() - started
    forward, _ = _projection(district)
    outlines = [polygons_only(project(t.outline, forward)) for t in plan.turfs]
    return summary(
        "turfmap" + (" (street-blind)" if plan.street_blind else ""),
        [len(t.doors) for t in plan.turfs],
        [t.metres for t in plan.turfs],
        outlines,
        took,
    )


def _projection(district):
    centre = district.representative_point()
    return local_projection(centre.x, centre.y)


def baseline(lonlat, district, streets, *, balanced: bool = False) -> dict:
    forward, _ = _projection(district)
    xy = shapely.get_coordinates(project(shapely.points(lonlat), forward))
    area = project(district, forward)
    parts = partition.turf_count(len(xy), TARGET)
    started = time.perf_counter()
    labels = (
        partition.bisect(xy, np.ones(len(xy)), parts) if balanced else partition.kmeans(xy, parts)
    )
    if streets is None:
        walks = []
        for turf in range(labels.max() + 1):
            rows = np.flatnonzero(labels == turf)
            walk = walk_points(xy[rows])
            walk.doors = rows[walk.doors].tolist()
            walks.append(walk)
    else:
        network = streets.network(forward)
        walks = walk_groups(network, xy, labels)
    took = time.perf_counter() - started
    pieces = [(t, line) for t, w in enumerate(walks) for line in w.covered]
    outlines = turf_outlines(xy, labels, pieces, area, len(walks))
    return summary(
        "balanced street-blind (bisection)" if balanced else "k-means baseline",
        [len(w.doors) for w in walks],
        [w.metres for w in walks],
        outlines,
        took,
    )


def aberdeen_case():
    frame = gpd.pd.read_csv(UK / "onspd_sample_aberdeen_postcodes.csv", dtype=str)
    live = frame[(frame["doterm"].fillna("") == "") & frame["lat"].notna()]
    code = live["pcon"].value_counts().index[0]
    district = seat(code)
    lonlat = inside(district, live[["long", "lat"]].astype(float).to_numpy())
    return code, district, lonlat


def resampled_seat(footprints: np.ndarray, district, count: int, seed: int = 20):
    rng = np.random.default_rng(seed)
    forward, back = _projection(district)
    xy = shapely.get_coordinates(project(shapely.points(footprints), forward))
    picked = xy[rng.integers(0, len(xy), count * 2)] + rng.normal(0, 40, (count * 2, 2))
    lonlat = np.column_stack(back.transform(picked[:, 0], picked[:, 1]))
    return inside(district, lonlat)[:count]


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print("| method | turfs | doors min / median / max | within ±20% | walking m per door "
          "| compactness (median) | overlap m² | seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['method']} | {r['turfs']} | {r['min']} / {r['median']:g} / {r['max']} | "
            f"{r['within']}/{r['turfs']} | {r['metres_per_door']:.1f} | {r['compactness']:.2f} "
            f"| {r['overlap_m2']:.1f} | {r['seconds']:.1f} |"
        )
    for other in rows[1:]:
        ratio = rows[0]["metres_per_door"] / other["metres_per_door"]
        print(f"walking metres per door, turfmap / {other['method']}: {ratio:.2f}x"
              + (" (target <= 0.8x)" if other["method"] == "k-means baseline" else ""))  # fmt: skip


def run() -> dict:
    district = seat("E14001458")
    streets = rutland_streets()
    footprints = np.array([(d.lon, d.lat) for d in read_osm_doors(PBF)])
    rutland = inside(district, footprints)
    results = {}
    results["rutland"] = [
        ours(rutland, district, streets),
        baseline(rutland, district, streets),
        baseline(rutland, district, streets, balanced=True),
    ]
    print_table(f"Rutland and Stamford (E14001458), {len(rutland):,} OSM doors, streets",
                results["rutland"])  # fmt: skip
    code, aberdeen, postcodes = aberdeen_case()
    results["aberdeen"] = [ours(postcodes, aberdeen, None), baseline(postcodes, aberdeen, None)]
    print_table(f"{code}, {len(postcodes):,} live postcodes (door clusters), no streets: "
                "straight-line metres", results["aberdeen"])  # fmt: skip
    seat_doors = resampled_seat(footprints, district, 40_000)
    results["seat"] = [
        ours(seat_doors, district, streets, seconds=10.0),
        baseline(seat_doors, district, streets),
        baseline(seat_doors, district, streets, balanced=True),
    ]
    print_table(f"a whole seat: {len(seat_doors):,} doors resampled from the Rutland "
                "footprints (target: cut in <= 30 s)", results["seat"])  # fmt: skip
    return results


if __name__ == "__main__":
    run()
