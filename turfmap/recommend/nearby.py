"""Canvassing sessions near a place, nearest first by travel time: what
``GET /api/v1/sessions?near=`` lists for a volunteer who wants to join a group
rather than be sent to a district.

Read from the need board the worker holds (its sessions and the places taken at
each, kept current as RSVPs are made), so the listing asks no database. Only
sessions that have not ended, start within the window asked for and have a free
place are listed; distance is the straight line to the meeting point, and the
minutes are the router's, or the estimate's from that distance (each answer says
which).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from turfmap.errors import InputError
from turfmap.geometry.mercator import EARTH_RADIUS
from turfmap.recommend.board import DistrictNeed, NeedBoard, SessionInfo
from turfmap.travel.estimate import DEFAULT_MODE
from turfmap.travel.router import Router, minutes_or_estimate

WITHIN_KM_RANGE = (0.5, 500.0)
DEFAULT_WITHIN_KM = 50.0
DAYS_RANGE = (1, 120)
DEFAULT_DAYS = 14
MAX_LISTED = 50  # sessions in one answer at most (the API's limit)
MAX_ROUTED = 60  # the nearest sessions sent to a real router at most: more than listed


@dataclass(frozen=True)
class Window:
    """Which sessions a volunteer asks for."""

    within_km: float = DEFAULT_WITHIN_KM
    days: int = DEFAULT_DAYS
    limit: int = 20
    mode: str = DEFAULT_MODE
    short_walks: bool = False
    set_slug: str | None = None


def metres_from(lon: float, lat: float, lons, lats) -> np.ndarray:
    """Great-circle metres from one point to many (the sphere the index measures on).

    Durham to Bishop Auckland, and to York:

    >>> metres = metres_from(-1.57, 54.78, [-1.68, -1.08], [54.66, 53.96])
    >>> [round(float(m) / 1000, 1) for m in metres]
    [15.1, 96.7]
    """
    lon1, lat1 = math.radians(lon), math.radians(lat)
    lons2, lats2 = np.radians(np.asarray(lons, float)), np.radians(np.asarray(lats, float))
    a = (
        np.sin((lats2 - lat1) / 2) ** 2
        + math.cos(lat1) * np.cos(lats2) * np.sin((lons2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def open_sessions(
    board: NeedBoard, window: Window, now: datetime
) -> list[tuple[DistrictNeed, SessionInfo]]:
    """Every session on the board a volunteer could still join in the window."""
    until = now + timedelta(days=window.days)
    return [
        (entry, item)
        for (slug, _), entry in board.districts.items()
        if window.set_slug is None or slug == window.set_slug
        for item in entry.sessions
        if item.ends_at > now
        and item.starts_at < until
        and item.free > 0
        and (item.short_walks or not window.short_walks)
    ]


def sessions_near(board: NeedBoard, router: Router, origin, window: Window, now: datetime) -> dict:
    """The answer of ``GET /api/v1/sessions``: the open sessions within
    ``window.within_km`` of ``origin`` (straight line), the quickest to reach
    first, then the soonest."""
    slugs = sorted({slug for slug, _ in board.districts})
    if window.set_slug is not None and window.set_slug not in slugs:
        raise InputError(
            f"set={window.set_slug!r} is not an active boundary set; active: "
            f"{', '.join(slugs) or 'none'}",
            status=404,
            code="not_found",
        )
    offered = open_sessions(board, window, now)
    metres = metres_from(
        origin.lon, origin.lat, [s.lon for _, s in offered], [s.lat for _, s in offered]
    )
    within = [i for i in np.argsort(metres, kind="stable") if metres[i] <= window.within_km * 1000]
    near = within[:MAX_ROUTED]  # a real router is asked once, for the nearest only
    targets = [(offered[i][1].lon, offered[i][1].lat) for i in near]
    minutes, source, failure = minutes_or_estimate(
        router, (origin.lon, origin.lat), targets, [float(metres[i]) for i in near], window.mode
    )
    rows = [
        _listed(*offered[i], float(metres[i]), travel)
        for i, travel in zip(near, minutes, strict=True)
    ]
    rows.sort(key=lambda row: (_order(row["travel"]["minutes"]), row["starts_at"]))
    return {
        "origin": {"lat": origin.lat, "lon": origin.lon, "postcode": origin.postcode},
        "within_km": window.within_km,
        "from": now.isoformat(),
        "until": (now + timedelta(days=window.days)).isoformat(),
        "mode": window.mode,
        "travel_source": source,
        "note": f"Travel times are estimates: {failure}" if failure else None,
        "count": len(within),
        "sessions": rows[: window.limit],
    }


def _order(minutes: float | None) -> float:
    return math.inf if minutes is None or math.isnan(minutes) else minutes


def _listed(entry: DistrictNeed, item: SessionInfo, metres: float, minutes) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "lat": item.lat,
        "lon": item.lon,
        "district": {"set": entry.set_slug, "code": entry.code, "name": entry.name},
        "capacity": item.capacity,
        "taken": item.booked,
        "free_places": item.free,
        "contact": item.contact,
        "accessibility": item.accessibility,
        "short_walks": item.short_walks,
        "travel": {
            "straight_line_km": round(metres / 1000, 1),
            "minutes": None if minutes is None or math.isnan(minutes) else round(minutes),
        },
        "page": f"/s/{item.id}",
    }
