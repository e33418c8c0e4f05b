"""Recommendations for one volunteer: the origin's own district and a ranked list,
each with its reason, travel time and sessions with free places."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from turfmap.errors import InputError
from turfmap.recommend.board import DistrictNeed, NeedBoard
from turfmap.recommend.ranking import MIN_REMAINING, Constraints, explain, rank
from turfmap.spatial.index import Reach, SpatialIndex
from turfmap.travel.estimate import fewest_minutes, max_metres, travel_factor, walking_minutes
from turfmap.travel.router import Router, minutes_or_estimate

MAX_CANDIDATES = 60  # districts sent to a real router at most
FIRST_ROUND = 7  # districts measured beyond the limit in the first round
ROUTER_REACH = 1.5  # a real router may find faster routes than the estimate's reach


@dataclass(frozen=True)
class Origin:
    lon: float
    lat: float
    postcode: str | None = None


NEAR_ENOUGH_METRES = 250_000  # at sea, or over a border: the nearest, with a note


def choose_set(
    board: NeedBoard, index: SpatialIndex, set_slug: str | None, origin: Origin | None = None
) -> str:
    """The set a recommendation is answered from: the one asked for; else the
    top-level set whose districts cover the origin (or lie within
    NEAR_ENOUGH_METRES of it); a set on another continent never is. Without an
    origin (the simulator), only a single top-level set can be assumed."""
    if set_slug:
        if set_slug not in index.set_slugs:
            raise InputError(
                f"set={set_slug!r} is not an active boundary set; active: "
                f"{', '.join(index.set_slugs) or 'none'}",
                status=404,
                code="not_found",
            )
        return set_slug
    top = board.top_level_sets
    if not top:
        raise InputError("no boundary set is active yet", status=409, code="not_active")
    if origin is None:
        if len(top) > 1:
            raise InputError(
                f"{len(top)} boundary sets are active ({', '.join(top)}); name one with --set"
            )
        return top[0]
    # The sets' extents first: for one country's set (the usual case), a
    # recommendation then asks no tree.
    around = index.sets_around(origin.lon, origin.lat, NEAR_ENOUGH_METRES)
    boxed = [s for s in top if s in around]
    if len(boxed) == 1:
        return boxed[0]
    covering = {hit.set_slug for hit in index.district_at(origin.lon, origin.lat)}
    for slug in top:
        if slug in covering:
            return slug
    nearest = [(index.nearest_reach(origin.lon, origin.lat, k=1, set_slug=s), s) for s in top]
    near = sorted((r.metres[0], s) for r, s in nearest if r.metres)
    if near and near[0][0] <= NEAR_ENOUGH_METRES:
        return near[0][1]
    raise InputError(
        f"no active boundary set covers {origin.lat:.4f}, {origin.lon:.4f} (active: "
        f"{', '.join(top)}); this map's districts are elsewhere",
        status=404,
        code="not_covered",
    )


def recommend(
    index: SpatialIndex,
    board: NeedBoard,
    router: Router,
    origin: Origin,
    constraints: Constraints,
    set_slug: str | None = None,
) -> dict:
    slug = choose_set(board, index, set_slug, origin)
    reach = max_metres(constraints.max_minutes, constraints.mode)
    if router.name != "estimate":
        reach *= ROUTER_REACH

    columns = board.columns(index, slug)
    found, home, trip, chosen = _best_within(
        index, board, columns, router, origin, reach, slug, constraints
    )
    ranked = _ranked(columns, found, trip, chosen, constraints)
    words = constraints.words
    note = words("Travel times are estimates: {why}", why=trip.failure) if trip.failure else None
    if not ranked and home is None:
        # At sea or abroad: still show where the nearest districts are.
        nearest = index.nearest_reach(origin.lon, origin.lat, k=constraints.limit, set_slug=slug)
        trip = _trip(router, nearest, constraints.mode)
        in_order = [(position, 0.0) for position in range(len(nearest.rows))]
        ranked = _ranked(columns, nearest, trip, in_order, constraints)
        note = words(
            "No district within {minutes:g} minutes; these are the nearest.",
            minutes=constraints.max_minutes,
        )
    return {
        "origin": {"lat": origin.lat, "lon": origin.lon, "postcode": origin.postcode},
        "set": slug,
        "day": board.day.isoformat(),
        "constraints": {
            "mode": constraints.mode,
            "max_minutes": constraints.max_minutes,
            "limit": constraints.limit,
            "own_area_only": constraints.own_area_only,
            "short_walks": constraints.short_walks,
        },
        "district": _home(board, slug, home, constraints),
        "recommendations": ranked,
        "note": note,
    }


def _best_within(index, board, columns, router, origin, reach, slug, constraints):
    """(found, home, trip, chosen): the best ``constraints.limit`` districts within
    reach, measuring and routing only as many as it takes to be sure of them.

    A district's score is its place value times a travel factor of at most 1, and
    with the estimate its travel is no less than the least time to its bounding
    box, so each district has a ceiling on its score before it is measured.
    Districts are measured highest ceiling first, in rounds that double, until the
    last of the chosen scores more than the highest ceiling not yet measured: then
    no unmeasured district could displace it. A city's hundreds of wards within an
    hour then cost little more than a handful of seats. A real router's times have
    no such floor: it is asked once, for the MAX_CANDIDATES highest place values."""
    nearby = index.rows_near(origin.lon, origin.lat, reach, set_slug=slug)
    rows = nearby[board.worth_a_trip(index, slug, MIN_REMAINING)[nearby]]
    home = None
    if constraints.own_area_only:
        home = index.home_among(origin.lon, origin.lat, nearby, slug)
        rows = rows[[columns.codes[row] == getattr(home, "code", None) for row in rows]]
    estimate = router.name == "estimate"
    take = FIRST_ROUND + constraints.limit if estimate else MAX_CANDIDATES
    rows, ceilings = _by_ceiling(index, columns, estimate, origin, rows, reach, constraints, take)
    last = len(rows) if estimate else min(len(rows), MAX_CANDIDATES)
    while True:
        found = index.measure(origin.lon, origin.lat, rows[: min(take, last)], reach)
        if not constraints.own_area_only:
            home = _home_district(index, found, nearby, slug)
        trip = _trip(router, found, constraints.mode)
        candidates = [
            (columns.codes[row], columns.place_value[row], columns.remaining[row], m, walking)
            for row, m, walking in zip(found.rows, trip.minutes, trip.walking, strict=True)
        ]
        chosen = rank(candidates, constraints, home.code if home else None)
        if take >= last or _settled(chosen, constraints.limit, ceilings[take]):
            return found, home, trip, chosen
        take *= 2


def _by_ceiling(index, columns, estimate, origin, rows, reach, constraints, first_round):
    """``rows`` highest score ceiling first, with the ceilings; those that cannot be
    within reach left out. Not worth ordering when one round measures them all."""
    if len(rows) <= first_round:
        return rows, None
    ceilings = columns.place_values[rows]
    if estimate:
        floor = index.floor_metres(origin.lon, origin.lat, rows)
        near = floor <= reach
        rows, floor, ceilings = rows[near], floor[near], ceilings[near]
        ceilings = ceilings * travel_factor(fewest_minutes(floor, constraints.mode))
    order = np.argsort(-ceilings, kind="stable")
    return rows[order], ceilings[order]


def _settled(chosen: list[tuple[int, float]], limit: int, best_unmeasured: float) -> bool:
    """Whether no district still unmeasured could enter ``chosen``.

    >>> _settled([(0, 90.0), (1, 70.0)], 2, 69.0), _settled([(0, 90.0), (1, 70.0)], 2, 70.0)
    (True, False)
    >>> _settled([(0, 90.0)], 2, 10.0)    # not yet full: a weak district may still join
    False
    """
    return len(chosen) == limit and chosen[-1][1] > best_unmeasured


def _home_district(index: SpatialIndex, found: Reach, nearby: np.ndarray, slug: str):
    """The district the point is in. The search has found it already (0 m away)
    when it is worth a trip; otherwise, or on a border between two, look among all
    the districts near it (``nearby``: the search's box, before any mask)."""
    inside = [row for row, metres in zip(found.rows, found.metres, strict=True) if metres == 0]
    if len(inside) == 1:
        return index.districts[inside[0]]
    return index.home_among(found.lon, found.lat, nearby, slug)


class Trip(NamedTuple):
    """Travel to each district of a Reach, in its order."""

    mode: str
    metres: list[float]
    minutes: list[float]  # NaN where the router found no route; 0 inside the district
    walking: list[float]  # minutes of it on foot
    source: str  # the router's name, or "estimate" when it failed
    failure: str | None  # why the estimate stood in, if it did (the router's words)


def _trip(router: Router, found: Reach, mode: str) -> Trip:
    """Minutes from the router; if it fails, the estimate, and the note says so.
    (The districts' points are worked out only for a real router.)"""
    targets = found.points() if router.name != "estimate" else []
    minutes, source, failure = minutes_or_estimate(
        router, (found.lon, found.lat), targets, found.metres, mode
    )
    minutes = [
        0.0 if metres == 0 else math.nan if travel is None else travel
        for metres, travel in zip(found.metres, minutes, strict=True)
    ]
    walking = [walking_minutes(metres, mode) for metres in found.metres]
    return Trip(mode, found.metres, minutes, walking, source, failure)


def _ranked(columns, found: Reach, trip: Trip, chosen, constraints) -> list[dict]:
    """The answer for each chosen (position, score) with a need entry and a route."""
    ranked = []
    for position, score in chosen:
        entry: DistrictNeed | None = columns.entries[found.rows[position]]
        minutes = trip.minutes[position]
        if entry is None or math.isnan(minutes):
            continue
        answer, parts = _chosen(entry, minutes, trip.mode, trip.source, constraints)
        answer |= {
            "set": entry.set_slug,
            "margin": parts["margin"],
            "travel_minutes": round(minutes, 1),
            "travel_source": trip.source,
            "distance_km": round(trip.metres[position] / 1000, 2),
            "score": round(score, 2),
        }
        ranked.append(answer)
    return ranked


def _home(board, slug, home, constraints) -> dict | None:
    """The origin's own district, always shown, with its own need even when low."""
    if home is None:
        return None
    entry = board.get(slug, home.code)
    if entry is None:
        return {"code": home.code, "name": home.name, "need": None}
    return _chosen(entry, 0.0, constraints.mode, "estimate", constraints)[0]


def _chosen(entry: DistrictNeed, minutes, mode, source, constraints) -> tuple[dict, dict]:
    """(what the origin's district and a recommended one both say, its why_parts).
    The need's figures are as explain() rounded them once per need (rounding to a
    number of digits is among the dearer things a recommendation does)."""
    why, parts = explain(
        entry.need,
        entry.holder,
        entry.majority,
        entry.target_party,
        minutes,
        mode,
        source,
        constraints.words,
    )
    answer = {
        "code": entry.code,
        "name": entry.name,
        "holder": entry.holder,
        "majority": entry.majority,
        "need": parts["need"],
        "remaining_need": parts["remaining_need"],
        "why": why,
        "why_parts": parts,
        "sessions": _sessions(entry, constraints),
        "contact": entry.contact,
    }
    return answer, parts


def _sessions(entry: DistrictNeed, constraints: Constraints, limit: int = 3) -> list[dict]:
    if not entry.sessions:
        return []
    chosen = [
        s for s in entry.sessions if s.free > 0 and (not constraints.short_walks or s.short_walks)
    ][:limit]
    return [
        {
            "id": s.id,
            "title": s.title,
            "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(),
            "lat": s.lat,
            "lon": s.lon,
            "free_places": s.free,
            "capacity": s.capacity,
            "accessibility": s.accessibility,
            "contact": s.contact,
        }
        for s in chosen
    ]
