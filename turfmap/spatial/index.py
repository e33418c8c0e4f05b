"""Point lookups and k-nearest over district polygons with a shapely 2 STRtree.

Measured on this kind of machine (DESIGN.md): ~46,000 point lookups a second
against ~3,900 for PostGIS with GiST, so both backends use this index. The tree
finds the districts near a point; how near each is, and whether the point is
inside, is worked out by compiled loops over flattened outlines (kernels.py).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely

from turfmap.geometry.mercator import EARTH_RADIUS, lonlat, mercator_xy
from turfmap.spatial import kernels

METRES_PER_DEGREE = 111_320.0
DISTANCE_TOLERANCE_M = 100.0  # distances to a district's edge are this accurate
# Farther than this from a simplified outline, a point is inside it exactly when
# it is inside the full one (the simplification moved no edge more than the
# tolerance; twice that for the Mercator scale varying across a district).
SETTLED_M = 2 * DISTANCE_TOLERANCE_M


@dataclass(frozen=True)
class IndexedDistrict:
    id: int
    set_slug: str
    code: str
    name: str
    parent_code: str | None
    point_lon: float
    point_lat: float
    area_m2: float
    name_alt: str | None = None  # a second name (Welsh), found by search too


class Nearby(NamedTuple):
    """A district near a point. Immutable as a NamedTuple rather than a frozen
    dataclass: each request makes several, and a tuple is made ~5x quicker."""

    district: IndexedDistrict
    metres: float  # to the nearest edge; 0 when, and only when, the point is inside
    lon: float  # the nearest point of the district (the origin itself when inside)
    lat: float


class Reach(NamedTuple):
    """Districts near a point, nearest first, as parallel lists rather than an object
    per district: a recommendation weighs up to dozens and shows a handful."""

    lon: float  # the point
    lat: float
    rows: list[int]  # positions in SpatialIndex.districts
    metres: list[float]  # to the nearest edge; 0 when, and only when, the point is inside
    xy: list[tuple[float, float]]  # the nearest point of each, in Web Mercator metres

    def points(self) -> list[tuple[float, float]]:
        """The nearest point of each district in degrees (the point itself when inside)."""
        return [
            (self.lon, self.lat) if metres == 0 else lonlat(x, y)
            for metres, (x, y) in zip(self.metres, self.xy, strict=True)
        ]


class SpatialIndex:
    """Districts of every active generation; immutable once built."""

    def __init__(self, districts: Sequence[IndexedDistrict], geometries: Sequence):
        self.districts = list(districts)
        self.geometries = np.asarray(geometries, dtype=object)
        shapely.prepare(self.geometries)  # prepared polygons answer contains() ~10x faster
        self._tree = shapely.STRtree(self.geometries)
        # Distances are measured in Web Mercator and scaled back to metres by the
        # cosine of the latitude halfway along (Mercator is conformal, so within
        # ~0.5% up to a few hundred km, for one projection at build time),
        # on outlines simplified by DISTANCE_TOLERANCE_M: a travel estimate gains
        # nothing from 10 m detail, and the nearest-point search costs ~4x less.
        # Whether a point is inside is asked of the full polygons.
        mercator = shapely.transform(
            self.geometries,
            lambda xy: np.column_stack(mercator_xy(xy[:, 0], xy[:, 1])),
        )
        lats = np.array([d.point_lat for d in self.districts], dtype=float)
        scale = 1 / np.cos(np.radians(np.clip(lats, -80, 80)))
        self._mercator = shapely.simplify(mercator, DISTANCE_TOLERANCE_M * scale)
        self._mercator_tree = shapely.STRtree(self._mercator)
        self._bounds = shapely.bounds(self._mercator)
        self._rings = kernels.flat_rings(self.geometries)
        self._lonlat_bounds = shapely.bounds(self.geometries).reshape(-1, 4)
        self._blocks = kernels.segment_blocks(kernels.flat_rings(self._mercator))
        slugs = sorted({d.set_slug for d in self.districts})
        self._set_number = {slug: n for n, slug in enumerate(slugs)}
        self._set_of = np.array([self._set_number[d.set_slug] for d in self.districts], dtype=int)
        # A tree per set too: a search within one set (every recommendation) then
        # neither meets nor filters out the districts of the others.
        self._set_trees = {}
        self._set_boxes = {}
        for slug, n in self._set_number.items():
            rows = np.flatnonzero(self._set_of == n)
            self._set_trees[slug] = (shapely.STRtree(self._mercator[rows]), rows)
            box = self._lonlat_bounds[rows]
            self._set_boxes[slug] = (
                box[:, 0].min(),
                box[:, 1].min(),
                box[:, 2].max(),
                box[:, 3].max(),
            )
        if self.districts:
            self._compile()

    def _compile(self) -> None:
        """Have numba compile the search loops (or load them from its cache) now,
        not in the first request that comes near."""
        lon, lat = self.districts[0].point_lon, self.districts[0].point_lat
        rows = np.zeros(1, dtype=np.int64)
        self.measure(lon, lat, rows, None)
        self.floor_metres(lon, lat, rows)
        self.home_among(lon, lat, rows, self.districts[0].set_slug)

    def __len__(self) -> int:
        return len(self.districts)

    @property
    def set_slugs(self) -> list[str]:
        return sorted(self._set_number)

    def sets_around(self, lon: float, lat: float, metres: float) -> list[str]:
        """Sets whose bounding box, widened by ``metres``, holds the point: a cheap
        sieve (no tree is asked) before any precise test."""
        dlat = metres / 111_320.0
        dlon = dlat / max(math.cos(math.radians(min(abs(lat), 80.0))), 0.17)
        return [
            slug
            for slug, (west, south, east, north) in self._set_boxes.items()
            if west - dlon <= lon <= east + dlon and south - dlat <= lat <= north + dlat
        ]

    def in_box(
        self, set_slug: str, box: tuple[float, float, float, float]
    ) -> list[IndexedDistrict]:
        """Districts of ``set_slug`` whose shape meets the lon/lat box (w, s, e, n)."""
        hits = self._tree.query(shapely.box(*box), predicate="intersects")
        return [self.districts[i] for i in sorted(hits) if self.districts[i].set_slug == set_slug]

    def district_at(self, lon: float, lat: float, set_slug: str | None = None):
        """Districts covering the point (one per set; two where it sits on a border)."""
        point = shapely.points((lon, lat))  # one coordinate pair: ~4x cheaper than (lon, lat)
        candidates = self._tree.query(point)
        if len(candidates) == 0:
            return []
        if set_slug is not None:
            candidates = candidates[self._set_of[candidates] == self._set_number.get(set_slug, -1)]
        # contains_xy needs no point object. A point exactly on a border is not
        # "contained" by either side, so for any set with no hit ask covers(), which
        # counts borders (and then finds both neighbours).
        inside = shapely.contains_xy(self.geometries[candidates], lon, lat)
        sets = self._set_of[candidates].tolist()
        found = {s for s, hit in zip(sets, inside.tolist(), strict=True) if hit}
        unresolved = np.array([s not in found for s in sets], dtype=bool)
        if unresolved.any():
            inside[unresolved] = shapely.covers(self.geometries[candidates[unresolved]], point)
        hits = candidates[inside]
        return [self.districts[i] for i in sorted(hits)]

    def place_points(self, lons, lats) -> list[dict[str, IndexedDistrict]]:
        """For many points at once (an import of doors): the district each falls in,
        by set. A point on a border goes to the first of its neighbours by row.

        A point in no district of a set has no entry for that set."""
        points = shapely.points(np.column_stack([lons, lats]))
        placed: list[dict[str, IndexedDistrict]] = [{} for _ in range(len(points))]
        if not self.districts:
            return placed
        point_rows, district_rows = self._tree.query(points, predicate="intersects")
        for p, d in sorted(zip(point_rows.tolist(), district_rows.tolist(), strict=True)):
            district = self.districts[d]
            placed[p].setdefault(district.set_slug, district)
        return placed

    def nearest(self, lon: float, lat: float, k: int = 5, **options) -> list[Nearby]:
        """The ``k`` districts with the nearest edge, nearest first; ``options`` as
        for nearest_reach()."""
        return self.nearby(self.nearest_reach(lon, lat, k, **options))

    def nearest_reach(
        self,
        lon: float,
        lat: float,
        k: int = 5,
        *,
        set_slug: str | None = None,
        where: Callable[[IndexedDistrict], bool] | None = None,
        start_metres: float = 5_000.0,
    ) -> Reach:
        """The ``k`` districts with the nearest edge, nearest first, optionally only
        those for which ``where`` is true. The search square doubles until it holds k
        matches no farther than its half-width, so none nearer is missed; distances
        are good to 2% plus DISTANCE_TOLERANCE_M (see _search)."""
        if set_slug is not None and set_slug not in self._set_number:
            return Reach(lon, lat, [], [], [])
        radius = start_metres
        while True:
            found = self._search(lon, lat, radius, set_slug, where)
            if radius > 40_000_000:
                return _first(found, k)
            if bisect_right(found.metres, radius) >= k:
                return _first(found, k)
            radius *= 2

    def within(self, lon: float, lat: float, metres: float, **options) -> list[Nearby]:
        """Districts whose nearest edge is within ``metres``, nearest first; ``options``
        as for reach()."""
        return self.nearby(self.reach(lon, lat, metres, **options))

    def reach(
        self,
        lon: float,
        lat: float,
        metres: float,
        *,
        set_slug: str | None = None,
        where: Callable[[IndexedDistrict], bool] | None = None,
        mask: np.ndarray | None = None,
        limit: int | None = None,
    ) -> Reach:
        """Districts whose nearest edge is within ``metres``, nearest first: at most
        ``limit`` of them, and only those ``mask`` (aligned with ``districts``) allows."""
        if set_slug is not None and set_slug not in self._set_number:
            return Reach(lon, lat, [], [], [])
        return _first(self._search(lon, lat, metres, set_slug, where, mask, metres), limit)

    def nearby(self, found: Reach) -> list[Nearby]:
        """One Nearby per district of ``found``."""
        return [
            Nearby(self.districts[row], metres, lon, lat)
            for row, metres, (lon, lat) in zip(
                found.rows, found.metres, found.points(), strict=True
            )
        ]

    def rows_near(
        self,
        lon: float,
        lat: float,
        metres: float,
        *,
        set_slug: str | None = None,
    ) -> np.ndarray:
        """Positions of the districts in a box sure to hold all within ``metres``,
        unmeasured and in no order: cheap (one tree query), for a caller that
        measures only the most promising of them (measure())."""
        if set_slug is not None and set_slug not in self._set_number:
            return np.zeros(0, dtype=int)
        return self._box_rows(lon, lat, metres, set_slug, None, None)

    def home_among(
        self, lon: float, lat: float, rows: np.ndarray, set_slug: str
    ) -> IndexedDistrict | None:
        """The district of ``set_slug`` holding the point, looked for first among
        ``rows`` (a search's candidates there, already at hand); where none or two
        of them answer (a border, a box too small to meet it, or at sea),
        district_at() decides: the first district covering it, or None."""
        x, y = mercator_xy(lon, lat)
        inside = kernels.containing(
            rows, lon, lat, x, y, *self._geometry_arguments(), self._lonlat_bounds
        )
        if len(inside) == 1:
            return self.districts[inside[0]]
        at = self.district_at(lon, lat, set_slug)
        return at[0] if at else None

    def floor_metres(self, lon: float, lat: float, rows: np.ndarray) -> np.ndarray:
        """For each district, metres that measure() cannot go below: the distance to
        its bounding box, at the largest Mercator scale between the point and the
        box, less twice DISTANCE_TOLERANCE_M: the box is the simplified outline's,
        and a point inside the real one (0 m) may lie that far outside it."""
        x, y = mercator_xy(lon, lat)
        return kernels.box_floor(rows, x, y, self._bounds, EARTH_RADIUS, 2 * DISTANCE_TOLERANCE_M)

    def measure(self, lon: float, lat: float, rows: np.ndarray, cutoff: float | None) -> Reach:
        """These districts (positions in ``districts``) nearest first, those farther
        than ``cutoff`` metres left out."""
        if len(rows) == 0:
            return Reach(lon, lat, [], [], [])
        x, y = mercator_xy(lon, lat)
        limit = math.inf if cutoff is None else cutoff
        # Inside means 0 m, judged on the full outline; outside, the distance is to
        # the simplified outline, and never under 1 m.
        rows, metres, near_x, near_y = kernels.measure(
            rows, lon, lat, x, y, limit, *self._geometry_arguments()
        )
        xy = list(zip(near_x.tolist(), near_y.tolist(), strict=True))
        return Reach(lon, lat, rows.tolist(), metres.tolist(), xy)

    def _geometry_arguments(self) -> tuple:
        """What the compiled loops need of the outlines, in their order."""
        return EARTH_RADIUS, SETTLED_M, self._rings, self._blocks

    def _search(self, lon, lat, radius, set_slug, where, mask=None, cutoff=None) -> Reach:
        """Allowed districts in a box sure to hold all within ``radius``, nearest first."""
        return self.measure(
            lon, lat, self._box_rows(lon, lat, radius, set_slug, where, mask), cutoff
        )

    def _box_rows(self, lon, lat, radius, set_slug, where, mask) -> np.ndarray:
        """The box is sized with the Mercator scale at its poleward edge, the largest."""
        x, y = mercator_xy(lon, lat)
        edge_lat = min(abs(lat) + radius / METRES_PER_DEGREE, 85.0)
        half = radius / math.cos(math.radians(edge_lat))
        # A one-element array of boxes: the tree's path for a lone geometry costs more.
        box = shapely.box([x - half], [y - half], [x + half], [y + half])
        if set_slug is None:
            candidates = self._mercator_tree.query(box)[1]
        else:
            tree, rows = self._set_trees[set_slug]
            candidates = rows[tree.query(box)[1]]
        if mask is not None:
            candidates = candidates[mask[candidates]]
        if where is not None and len(candidates):
            # Only the districts in the box are tested: `where` may be costly.
            keep = [where(self.districts[i]) for i in candidates]
            candidates = candidates[np.array(keep, dtype=bool)]
        return candidates


def _first(found: Reach, limit: int | None) -> Reach:
    if limit is None or len(found.rows) <= limit:
        return found
    return found._replace(rows=found.rows[:limit], metres=found.metres[:limit], xy=found.xy[:limit])
