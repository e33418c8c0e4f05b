"""Are the coordinates where the file says they are? Files that are wrong in ways
a reader cannot see load as if right, unless checked: a GeoJSON that declares
British National Grid but holds degrees becomes specks off the Isles of Scilly,
and latitude and longitude swapped put Yorkshire in the Indian Ocean.

Checks, each refusing with the likely fix named:
- every coordinate is a finite number;
- a projected file's numbers are not degrees in disguise, and lie where its
  coordinate system is used (its area of use);
- once in longitude/latitude, most districts lie on or near land (Natural Earth's
  1:110m land, in data/, Antarctica left out), and ONS-coded districts lie in the
  UK. These last two can be overridden with --accept (an archipelago mapped finer
  than the land file, say), and the report then says what was accepted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer

from turfmap.config import PROJECT_ROOT
from turfmap.errors import InputError

LAND_FILE = PROJECT_ROOT / "data" / "land-110m.topojson"
NEAR_LAND_DEGREES = 0.1  # ~10 km: the 1:110m coastline is that coarse
MIN_ON_LAND = 0.5
ONS_CODE = re.compile(r"^[EWSNL]\d{8}$")
UK_BOX = (-8.9, 49.8, 2.0, 61.0)  # Scilly to Shetland, Northern Ireland to Lowestoft


def check_finite(geometries, path: Path) -> None:
    """
    >>> check_finite(np.array([shapely.Point(1, 2)]), Path("f.geojson"))
    >>> check_finite(np.array([shapely.Point(1, float("nan"))]), Path("f.geojson"))
    Traceback (most recent call last):
    turfmap.errors.InputError: f.geojson: feature number(s) 1 have coordinates that are not ...
    """
    bad = []
    for number, geometry in enumerate(geometries, start=1):
        if geometry is None:
            continue
        if not np.isfinite(shapely.get_coordinates(geometry)).all():
            bad.append(number)
    if bad:
        shown = ", ".join(str(n) for n in bad[:10]) + (" ..." if len(bad) > 10 else "")
        raise InputError(
            f"{path}: feature number(s) {shown} have coordinates that are not finite "
            "numbers (NaN or infinity); fix or remove them"
        )


def check_projected(frame, path: Path) -> None:
    """For a file in a projected system (metres, feet): refuse numbers that are
    really degrees, and numbers outside where that system is used."""
    crs: CRS = frame.crs
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    name = crs.to_string()
    looks_like_degrees = (
        -180 <= minx <= maxx <= 180
        and -90 <= miny <= maxy <= 90
        and max(maxx - minx, maxy - miny) < 360
    )
    if looks_like_degrees and max(maxx - minx, maxy - miny) < 1000:
        raise InputError(
            f"{path}: the file declares {name}, whose units are "
            f"{crs.axis_info[0].unit_name}s, but its coordinates run from ({minx:.4g}, "
            f"{miny:.4g}) to ({maxx:.4g}, {maxy:.4g}): they look like longitude/latitude "
            "degrees. If they are, load it with --crs EPSG:4326"
        )
    area = crs.area_of_use
    if area is None:
        return
    west, south, east, north = Transformer.from_crs(4326, crs, always_xy=True).transform_bounds(
        area.west, area.south, area.east, area.north
    )
    slack = max(east - west, north - south) * 0.25
    if minx < west - slack or maxx > east + slack or miny < south - slack or maxy > north + slack:
        raise InputError(
            f"{path}: the coordinates run from ({minx:,.0f}, {miny:,.0f}) to ({maxx:,.0f}, "
            f"{maxy:,.0f}), far outside where {name} is used ({area.name}). The file's "
            "coordinate system is probably wrong: name the right one with --crs"
        )


@lru_cache(maxsize=1)
def _land():
    import geopandas as gpd

    land = gpd.read_file(LAND_FILE).geometry.values
    land = shapely.make_valid(land)
    # No districts are drawn in Antarctica; without this, swapped axes in the
    # southern mid-latitudes would land "on land" there.
    land = shapely.intersection(land, shapely.box(-180, -60, 180, 90))
    merged = shapely.union_all(land)
    shapely.prepare(merged)
    return merged


def placement_problems(points, codes: list[str]) -> list[str]:
    """Why these districts (their representative points, lon/lat) look misplaced;
    empty when they look right."""
    x, y = shapely.get_x(points), shapely.get_y(points)
    problems = []
    on_land = share_near_land(x, y)
    if on_land < MIN_ON_LAND:
        swapped = share_near_land(y, x) if (np.abs(x) <= 90).all() else 0.0
        hint = (
            f" With latitude and longitude swapped, {swapped:.0%} would be: the axes are "
            "probably swapped."
            if swapped >= MIN_ON_LAND
            else " Check the file's coordinate system (--crs) and its axis order."
        )
        problems.append(
            f"only {on_land:.0%} of the districts lie on or near land (within about 10 km "
            f"of Natural Earth's coastline).{hint}"
        )
    ons = [i for i, code in enumerate(codes) if ONS_CODE.match(code)]
    if len(ons) > len(codes) / 2:
        west, south, east, north = UK_BOX
        inside = (x[ons] >= west) & (x[ons] <= east) & (y[ons] >= south) & (y[ons] <= north)
        if inside.mean() < 0.9:
            problems.append(
                f"{len(ons)} districts have UK (ONS) codes, but only {inside.mean():.0%} of them "
                f"lie in the UK (around {np.median(x[ons]):.2f}, {np.median(y[ons]):.2f} "
                "lon/lat instead)."
            )
    return problems


def share_near_land(x, y) -> float:
    """The share of points (lon ``x``, lat ``y``) within ~10 km of land.

    >>> share_near_land(np.array([-1.5, -30.0]), np.array([53.8, 30.0]))  # Leeds, mid-Atlantic
    0.5
    """
    if len(x) == 0:
        return 1.0
    points = shapely.points(x, y)
    return float(shapely.dwithin(_land(), points, NEAR_LAND_DEGREES).mean())
