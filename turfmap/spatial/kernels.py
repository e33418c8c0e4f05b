"""The spatial search's inner loops, compiled with numba: for the districts a
search found in its box (the STRtree's work), whether a point is inside each, the
nearest point of each outline and a floor under the distance.

Why compiled: a recommendation weighs about eight districts, and through shapely
that took a handful of array calls per search (a point, shortest lines, contains,
coordinates, then numpy for the metres), each paying microseconds of call
overhead, and two to three times more with the cold CPU caches a loaded web
worker meets. One compiled call does the same arithmetic in a few microseconds
and gives the same answers (tests/test_kernels.py; figures in bench/RESULTS.md).

The geometry is flattened once, when the index is built (``flat_rings``,
``segment_blocks``), into plain arrays the loops walk. numba compiles the loops
on first use and caches them beside this file (``cache=True``), so a worker
that starts later loads them instead.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import shapely
from numba import njit

BLOCK = 16  # segments per block: each block's box lets the search skip it whole


class Rings(NamedTuple):
    """Every ring of every district: district d owns rings owner[d]:owner[d + 1],
    ring r the vertices start[r]:start[r + 1] of xy (closed: first == last), and
    box[r] is its (minx, miny, maxx, maxy). Few arrays, each read whole by the
    compiled loops: every array passed costs a call its own unpacking, and x and
    y side by side share a cache line."""

    owner: np.ndarray
    start: np.ndarray
    box: np.ndarray
    xy: np.ndarray


class Blocks(NamedTuple):
    """An outline's segments in runs of BLOCK: district d owns blocks
    owner[d]:owner[d + 1]; block b the segments from vertex span[b, 0] to span[b, 1]
    of xy, and box[b] is (minx, miny, maxx, maxy, x, y) with its first vertex last
    (beside the box, so that bounding a district's distance touches no vertex)."""

    owner: np.ndarray
    span: np.ndarray
    box: np.ndarray
    xy: np.ndarray


def flat_rings(geometries: np.ndarray) -> Rings:
    """The rings of (multi)polygons, one district per geometry.

    >>> r = flat_rings(np.array([shapely.box(0, 0, 2, 2), shapely.box(5, 5, 6, 6)]))
    >>> r.owner.tolist(), r.start.tolist(), r.box[1].tolist(), r.xy.shape
    ([0, 1, 2], [0, 5, 10], [5.0, 5.0, 6.0, 6.0], (10, 2))
    """
    parts, part_owner = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    return Rings(
        np.searchsorted(part_owner[ring_part], np.arange(len(geometries) + 1)),
        np.searchsorted(vertex_ring, np.arange(len(rings) + 1)),
        shapely.bounds(rings).reshape(-1, 4),
        np.ascontiguousarray(xy),
    )


def segment_blocks(rings: Rings) -> Blocks:
    """The rings' segments cut into blocks of at most BLOCK, never across rings.

    >>> b = segment_blocks(flat_rings(np.array([shapely.box(0, 0, 2, 2)])))
    >>> b.owner.tolist(), b.span.tolist(), b.box.tolist()
    ([0, 1], [[0, 4]], [[0.0, 0.0, 2.0, 2.0, 2.0, 0.0]])
    """
    ring_start, ring_last = rings.start[:-1], rings.start[1:] - 1
    per_ring = np.maximum(-(-(ring_last - ring_start) // BLOCK), 0)
    ring_of_block = np.repeat(np.arange(len(ring_start)), per_ring)
    blocks_before_ring = np.concatenate([[0], np.cumsum(per_ring)])
    nth_in_ring = np.arange(len(ring_of_block)) - blocks_before_ring[ring_of_block]
    start = ring_start[ring_of_block] + BLOCK * nth_in_ring
    end = np.minimum(start + BLOCK, ring_last[ring_of_block])
    # Each block's vertices start[b]..end[b]: reduceat over (start, end + 1) pairs,
    # keeping every other answer (a padding row makes end + 1 always an index).
    pairs = np.column_stack([start, end + 1]).ravel()
    xy = np.vstack([rings.xy, [[0.0, 0.0]]])
    box = np.column_stack(
        [
            np.minimum.reduceat(xy, pairs)[0::2],
            np.maximum.reduceat(xy, pairs)[0::2],
            rings.xy[start],
        ]
    )
    owner = blocks_before_ring[rings.owner]
    return Blocks(owner, np.column_stack([start, end]), box.reshape(-1, 6), rings.xy)


@njit(cache=True, nogil=True)
def measure(rows, lon, lat, x, y, cutoff, earth_radius, settled, rings, blocks):
    """(rows, metres, near_x, near_y) of the districts of ``rows`` no farther than
    ``cutoff`` metres, nearest first (equal distances keep the given order): 0 m and
    the point itself when inside, else the nearest point of the simplified outline
    (``blocks``, in Web Mercator) and the metres to it, never under 1 (_sized)."""
    n = len(rows)
    metres, near_x, near_y = np.empty(n), np.empty(n), np.empty(n)
    for k in range(n):
        metres[k], near_x[k], near_y[k] = _sized(
            rows[k], lon, lat, x, y, earth_radius, settled, rings, blocks
        )
    keep = np.flatnonzero(metres <= cutoff)
    order = keep[np.argsort(metres[keep], kind="mergesort")]
    return rows[order], metres[order], near_x[order], near_y[order]


@njit(cache=True, nogil=True)
def containing(rows, lon, lat, x, y, earth_radius, settled, rings, blocks, bounds):
    """Those of ``rows`` holding the point (their boxes in degrees in ``bounds``), as
    _sized() judges it. On a border shared by two, either may answer, or none."""
    found = np.empty(len(rows), dtype=np.int64)
    n = 0
    for k in range(len(rows)):
        d = rows[k]
        if lon < bounds[d, 0] or lon > bounds[d, 2] or lat < bounds[d, 1] or lat > bounds[d, 3]:
            continue
        if _sized(d, lon, lat, x, y, earth_radius, settled, rings, blocks)[0] == 0.0:
            found[n] = d
            n += 1
    return found[:n]


@njit(cache=True, nogil=True)
def _sized(d, lon, lat, x, y, earth_radius, settled, rings, blocks):
    """(metres, x, y) from the point (lon, lat; x, y in Web Mercator) to district d:
    (0, the point) when inside, else the metres to the nearest point of its
    simplified outline, never under 1. Mercator stretches by 1 / cos(latitude) =
    cosh(y / R): the distance is scaled back halfway along.

    Inside is judged on the simplified outline when the point is more than
    ``settled`` metres from it (farther than the simplification moved any edge, so
    both outlines agree), else on the full polygon (``rings``, in degrees): a full
    outline has ~3x the vertices, mostly cold in a web worker's caches."""
    squared, near_x, near_y = _nearest(d, x, y, blocks)
    metres = max(math.sqrt(squared) / math.cosh((near_y + y) / (2 * earth_radius)), 1.0)
    if metres > settled:
        within = _crossings(d, x, y, blocks) % 2 == 1
    else:
        within = _inside(d, lon, lat, rings)
    if within:
        return 0.0, x, y
    return metres, near_x, near_y


@njit(cache=True, nogil=True)
def _nearest(d, x, y, blocks):
    """(squared distance, x, y) of the nearest point of district d's outline. Each
    block's first vertex bounds the answer from above, so the blocks whose box is
    farther than the best so far are skipped."""
    span, box, xy = blocks.span, blocks.box, blocks.xy
    first, last = blocks.owner[d], blocks.owner[d + 1]
    best, best_x, best_y = np.inf, 0.0, 0.0
    for b in range(first, last):
        squared = (box[b, 4] - x) ** 2 + (box[b, 5] - y) ** 2
        if squared < best:
            best, best_x, best_y = squared, box[b, 4], box[b, 5]
    for b in range(first, last):
        gap_x = max(box[b, 0] - x, x - box[b, 2], 0.0)
        gap_y = max(box[b, 1] - y, y - box[b, 3], 0.0)
        if gap_x * gap_x + gap_y * gap_y >= best:
            continue
        for v in range(span[b, 0], span[b, 1]):
            ax, ay = xy[v, 0], xy[v, 1]
            dx, dy = xy[v + 1, 0] - ax, xy[v + 1, 1] - ay
            length = dx * dx + dy * dy
            t = 0.0
            if length > 0.0:
                t = min(max(((x - ax) * dx + (y - ay) * dy) / length, 0.0), 1.0)
            px, py = ax + t * dx, ay + t * dy
            squared = (px - x) ** 2 + (py - y) ** 2
            if squared < best:
                best, best_x, best_y = squared, px, py
    return best, best_x, best_y


@njit(cache=True, nogil=True)
def _crossings(d, x, y, blocks):
    """How many of district d's outline segments a ray from (x, y) towards +x
    crosses; blocks wholly above, below or left of the point cannot."""
    span, box, xy = blocks.span, blocks.box, blocks.xy
    crossings = 0
    for b in range(blocks.owner[d], blocks.owner[d + 1]):
        if y < box[b, 1] or y > box[b, 3] or x > box[b, 2]:
            continue
        for v in range(span[b, 0], span[b, 1]):
            crossings += _crosses(x, y, xy[v, 0], xy[v, 1], xy[v + 1, 0], xy[v + 1, 1])
    return crossings


@njit(cache=True, nogil=True)
def _inside(d, x, y, rings):
    """Whether (x, y) is inside district d: the even-odd rule over all its rings,
    so that holes and islands count as they should; only rings whose box holds the
    point are walked."""
    start, box, xy = rings.start, rings.box, rings.xy
    crossings = 0
    for r in range(rings.owner[d], rings.owner[d + 1]):
        if x < box[r, 0] or x > box[r, 2] or y < box[r, 1] or y > box[r, 3]:
            continue
        for v in range(start[r], start[r + 1] - 1):
            crossings += _crosses(x, y, xy[v, 0], xy[v, 1], xy[v + 1, 0], xy[v + 1, 1])
    return crossings % 2 == 1


@njit(cache=True, nogil=True)
def _crosses(x, y, ax, ay, bx, by):
    """1 if the segment a-b crosses the ray from (x, y) towards +x (half-open in y,
    so a ray through a vertex counts it once), else 0."""
    if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
        return 1
    return 0


@njit(cache=True, nogil=True)
def box_floor(rows, x, y, bounds, earth_radius, slack):
    """Metres from (x, y) to each district's box in Web Mercator, at the largest
    Mercator scale between the point and the box, less ``slack``, and never below 0."""
    floor = np.empty(len(rows))
    for k in range(len(rows)):
        d = rows[k]
        gap_x = max(bounds[d, 0] - x, x - bounds[d, 2], 0.0)
        gap_y = max(bounds[d, 1] - y, y - bounds[d, 3], 0.0)
        poleward = max(abs(bounds[d, 1]), abs(bounds[d, 3]), abs(y))
        metres = math.hypot(gap_x, gap_y) / math.cosh(poleward / earth_radius)
        floor[k] = max(metres - slack, 0.0)
    return floor
