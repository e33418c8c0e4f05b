"""Cutting one district's doors into turfs, each with a walking order, an outline
and an estimate of its minutes: the whole of issue 20's cutting step.

`cut_doors` follows the streets when there are any (turf/network.py, METIS in
turf/partition.py, OR-Tools in turf/walk.py). With no street network it falls
back to recursive bisection of the doors' positions and a straight-line walk,
and says it is street-blind. `cut_kmeans` is the benchmark's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from turfmap.turf import partition
from turfmap.turf.network import (
    Network,
    Unit,
    connect_components,
    local_projection,
    make_units,
    project,
    unit_links,
)
from turfmap.turf.shapes import polygons_only, turf_outlines
from turfmap.turf.walk import Place, walk_points, walk_units

STREET_BLIND = (
    "street-blind: no street network covers the district (turfmap import streets), so "
    "turfs were cut by position and walks are straight lines"
)


@dataclass(frozen=True)
class WalkPace:
    """How long a turf takes: walking speed and time at each door (settings
    TURFMAP_WALK_METRES_PER_MINUTE and TURFMAP_MINUTES_PER_DOOR)."""

    metres_per_minute: float = 75.0  # 4.5 km/h
    minutes_per_door: float = 1.5

    def minutes(self, metres: float, doors: int) -> float:
        """
        >>> WalkPace().minutes(1500, 80)
        140.0
        """
        return metres / self.metres_per_minute + doors * self.minutes_per_door


@dataclass
class Streets:
    """The walkable edges and barriers around a district, in lon/lat."""

    lines: list
    u: np.ndarray
    v: np.ndarray
    major: np.ndarray
    barriers: list = field(default_factory=list)

    def network(self, forward) -> Network:
        """The streets as a graph in the metres of ``forward``'s projection."""
        return Network.build(
            project(np.asarray(self.lines, dtype=object), forward),
            self.u,
            self.v,
            self.major,
            project(np.asarray(self.barriers, dtype=object), forward),
        )


@dataclass
class TurfPlan:
    doors: list[int]  # indices into the doors given, in walking order
    metres: float
    minutes: float
    outline: object  # lon/lat MultiPolygon
    route: object | None  # lon/lat LineString


@dataclass
class CutPlan:
    turfs: list[TurfPlan]
    street_blind: bool
    notes: list[str]


def cut_doors(
    doors_lonlat: np.ndarray,
    district,
    target: int,
    streets: Streets | None = None,
    *,
    start_lonlat: tuple[float, float] | None = None,
    pace: WalkPace = WalkPace(),
    seconds: float = 10.0,
) -> CutPlan:
    """Turfs of about ``target`` doors. ``seconds`` bounds the walking-order search
    over all turfs together (each gets at most 0.2 s)."""
    doors_lonlat = np.asarray(doors_lonlat, dtype=float)
    if len(doors_lonlat) == 0:
        raise ValueError("no doors to cut")
    centre = district.representative_point()
    forward, back = local_projection(centre.x, centre.y)
    xy = shapely.get_coordinates(project(shapely.points(doors_lonlat), forward))
    area = project(district, forward)
    start = None if start_lonlat is None else np.array(forward.transform(*start_lonlat))
    parts = partition.turf_count(len(xy), target)
    per_turf = min(0.2, seconds / parts)
    if streets is None or not len(streets.lines):
        membership = partition.bisect(xy, np.ones(len(xy)), parts)
        plan = _walk_blind(xy, membership, parts, start, per_turf)
        notes = [STREET_BLIND]
    else:
        network = streets.network(forward)
        plan, notes = _cut_along_streets(network, xy, target, parts, start, per_turf)
    return _finish(plan, xy, area, pace, back, notes)


def _cut_along_streets(network, xy, target, parts, start, seconds):
    edges, offsets, distances = network.snap(shapely.points(xy))
    units = make_units(edges, offsets, max(2, target // 8))
    links = unit_links(network, units)
    centres = np.array([xy[u.doors].mean(axis=0) for u in units])
    connect_components(units, links, centres)
    weights = np.array([len(u.doors) for u in units])
    membership = partition.partition_units(weights, links, parts, target)
    start_place = _place_of(network, start)
    plan = []
    for turf in range(parts):
        mine = [units[i] for i in np.flatnonzero(membership == turf)]
        plan.append(walk_units(network, mine, start_place, seconds=seconds))
    far = int((distances > 100).sum())
    notes = [f"{len(units):,} street segments hold doors; {far:,} doors are more than 100 m "
             "from a street in the network (walked to from the nearest one)"]  # fmt: skip
    return plan, notes


def _place_of(network: Network, start) -> Place | None:
    if start is None:
        return None
    edges, offsets, _ = network.snap(shapely.points([start]))
    return Place(int(edges[0]), float(offsets[0]))


def _walk_blind(xy, membership, parts, start, seconds):
    plan = []
    for turf in range(parts):
        rows = np.flatnonzero(membership == turf)
        walk = walk_points(xy[rows], start, seconds=seconds)
        walk.doors = rows[walk.doors].tolist()
        plan.append(walk)
    return plan


def _finish(plan, xy, area, pace, back, notes) -> CutPlan:
    door_turf = np.empty(len(xy), dtype=int)
    pieces = []
    for turf, walk in enumerate(plan):
        door_turf[walk.doors] = turf
        pieces.extend((turf, line) for line in walk.covered)
    outlines = turf_outlines(xy, door_turf, pieces, area, len(plan))
    turfs = [
        TurfPlan(
            doors=walk.doors,
            metres=walk.metres,
            minutes=pace.minutes(walk.metres, len(walk.doors)),
            outline=polygons_only(project(outline, back)),
            route=None if walk.line is None else project(walk.line, back),
        )
        for walk, outline in zip(plan, outlines, strict=True)
    ]
    return CutPlan(turfs, STREET_BLIND in notes, notes)


def walk_turf(
    doors_lonlat: np.ndarray,
    district,
    streets: Streets | None,
    start_lonlat: tuple[float, float],
    *,
    pace: WalkPace,
    seconds: float = 0.5,
) -> TurfPlan:
    """One turf's walk again, from a new start (the meeting point of the session it
    was given to); its doors and outline stay as they were (``outline`` is None)."""
    centre = district.representative_point()
    forward, back = local_projection(centre.x, centre.y)
    xy = shapely.get_coordinates(project(shapely.points(np.asarray(doors_lonlat)), forward))
    start = np.array(forward.transform(*start_lonlat))
    if streets is None or not len(streets.lines):
        walk = walk_points(xy, start, seconds=seconds)
    else:
        network = streets.network(forward)
        edges, offsets, _ = network.snap(shapely.points(xy))
        units = make_units(edges, offsets, max(2, len(xy) // 8))
        walk = walk_units(network, units, _place_of(network, start), seconds=seconds)
    route = None if walk.line is None else project(walk.line, back)
    return TurfPlan(
        walk.doors, walk.metres, pace.minutes(walk.metres, len(walk.doors)), None, route
    )


def cut_kmeans(network: Network, xy: np.ndarray, parts: int, *, seconds: float = 0.2):
    """The benchmark's baseline: k-means clusters of the doors, each walked the
    same way as a street-aware turf (its doors grouped by street segment)."""
    labels = partition.kmeans(xy, parts)
    return labels, walk_groups(network, xy, labels, seconds=seconds)


def walk_groups(network: Network, xy: np.ndarray, labels: np.ndarray, *, seconds: float = 0.2):
    """A walk through each group of doors, along the streets."""
    edges, offsets, _ = network.snap(shapely.points(xy))
    walks = []
    for turf in range(labels.max() + 1):
        rows = np.flatnonzero(labels == turf)
        units = [
            Unit(u.edge, rows[u.doors], u.start, u.end)
            for u in make_units(edges[rows], offsets[rows], len(rows))
        ]
        walks.append(walk_units(network, units, seconds=seconds))
    return walks
