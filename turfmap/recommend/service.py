"""Recommendations for one volunteer: the origin's own district and a ranked list,
each with its reason, travel time and sessions with free places."""

from __future__ import annotations

from dataclasses import dataclass

from turfmap.errors import InputError, SourceUnavailable
from turfmap.recommend.board import DistrictNeed, NeedBoard
from turfmap.recommend.ranking import (
    MIN_REMAINING,
    Constraints,
    Option,
    Ranked,
    explain,
    rank,
)
from turfmap.spatial.index import Nearby, SpatialIndex
from turfmap.travel.estimate import max_metres, walking_minutes
from turfmap.travel.router import EstimateRouter, Router

MAX_CANDIDATES = 60  # nearest districts sent to the router at most
ROUTER_REACH = 1.5  # a real router may find faster routes than the estimate's reach


@dataclass(frozen=True)
class Origin:
    lon: float
    lat: float
    postcode: str | None = None


def choose_set(board: NeedBoard, index: SpatialIndex, set_slug: str | None) -> str:
    if set_slug:
        if set_slug not in index.set_slugs:
            raise InputError(
                f"set={set_slug!r} is not an active boundary set; active: "
                f"{', '.join(index.set_slugs) or 'none'}",
                status=404,
                code="not_found",
            )
        return set_slug
    if not board.top_level_sets:
        raise InputError("no boundary set is active yet", status=409, code="not_active")
    return board.top_level_sets[0]


def recommend(
    index: SpatialIndex,
    board: NeedBoard,
    router: Router,
    origin: Origin,
    constraints: Constraints,
    set_slug: str | None = None,
) -> dict:
    slug = choose_set(board, index, set_slug)
    reach = max_metres(constraints.max_minutes, constraints.mode)
    if router.name != "estimate":
        reach *= ROUTER_REACH

    worth = board.worth_a_trip(index, slug, MIN_REMAINING)
    nearby = index.within(
        origin.lon, origin.lat, reach, set_slug=slug, mask=worth, limit=MAX_CANDIDATES
    )
    home = _home_district(index, nearby, origin, slug)
    options, travel_note = _options(board, router, origin, nearby, slug, constraints.mode)
    home_code = home.code if home else None
    ranked = rank(options, constraints, home_code)
    note = travel_note
    if not ranked and home is None:
        # At sea or abroad: still show where the nearest districts are.
        fallback = index.nearest(origin.lon, origin.lat, k=constraints.limit, set_slug=slug)
        options, travel_note = _options(board, router, origin, fallback, slug, constraints.mode)
        ranked = [Ranked(o, 0.0, *explain(o)) for o in options]
        note = f"No district within {constraints.max_minutes:g} minutes; these are the nearest."
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
        "district": _home(board, slug, home, origin, constraints),
        "recommendations": [_ranked_dict(r, board, slug, constraints) for r in ranked],
        "note": note,
    }


def _home_district(index: SpatialIndex, nearby: list[Nearby], origin: Origin, slug: str):
    """The district the origin is in. The search has found it already (0 m away)
    when it is worth a trip; otherwise, or on a border between two, ask the index."""
    inside = [n.district for n in nearby if n.metres == 0]
    if len(inside) == 1:
        return inside[0]
    found = index.district_at(origin.lon, origin.lat, slug)
    return found[0] if found else None


def _options(board, router, origin, nearby: list[Nearby], slug, mode):
    """Options with travel minutes from the router; if the router fails, the
    estimate is used and the response says so (never silently)."""
    note = None
    targets = [(n.lon, n.lat) for n in nearby]
    metres = [n.metres for n in nearby]
    try:
        minutes = router.minutes((origin.lon, origin.lat), targets, metres, mode)
        source = router.name
    except SourceUnavailable as exc:
        minutes = EstimateRouter().minutes((origin.lon, origin.lat), targets, metres, mode)
        source = "estimate"
        note = f"Travel times are estimates: {exc.message}"
    options = []
    for place, travel in zip(nearby, minutes, strict=True):
        entry: DistrictNeed | None = board.get(slug, place.district.code)
        if entry is None or travel is None:
            continue
        options.append(
            Option(
                slug,
                entry.code,
                entry.name,
                entry.holder,
                entry.majority,
                entry.need,
                place.metres,
                0.0 if place.metres == 0 else travel,
                walking_minutes(place.metres, mode),
                source,
                mode,
                entry.target_party,
            )
        )
    return options, note


def _home(board, slug, home, origin, constraints) -> dict | None:
    """The origin's own district, always shown, with its own need even when low."""
    if home is None:
        return None
    entry = board.get(slug, home.code)
    if entry is None:
        return {"code": home.code, "name": home.name, "need": None}
    option = Option(
        slug,
        entry.code,
        entry.name,
        entry.holder,
        entry.majority,
        entry.need,
        0.0,
        0.0,
        0.0,
        "estimate",
        constraints.mode,
        entry.target_party,
    )
    why, parts = explain(option)
    return {
        "code": entry.code,
        "name": entry.name,
        "holder": entry.holder,
        "majority": entry.majority,
        "need": round(entry.need.score, 1),
        "remaining_need": round(entry.need.remaining, 1),
        "why": why,
        "why_parts": parts,
        "sessions": _sessions(entry, constraints),
    }


def _ranked_dict(ranked: Ranked, board, slug, constraints) -> dict:
    option = ranked.option
    entry = board.get(slug, option.code)
    return {
        "code": option.code,
        "name": option.name,
        "set": slug,
        "need": round(option.need.score, 1),
        "remaining_need": round(option.need.remaining, 1),
        "margin": None if option.need.margin is None else round(option.need.margin, 4),
        "holder": option.holder,
        "majority": option.majority,
        "travel_minutes": round(option.minutes, 1),
        "travel_source": option.travel_source,
        "distance_km": round(option.metres / 1000, 2),
        "score": round(ranked.score, 2),
        "why": ranked.why,
        "why_parts": ranked.why_parts,
        "sessions": _sessions(entry, constraints),
    }


def _sessions(entry: DistrictNeed, constraints: Constraints, limit: int = 3) -> list[dict]:
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
