"""Framework-neutral read operations behind the public API: each takes a session
(and the spatial index where it needs one) and returns plain data."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from turfmap.coordination.sessions import upcoming_in_district
from turfmap.errors import InputError, NotFound, shown
from turfmap.geometry.bands import BANDS, FULL_DETAIL_DECIMALS, band_for_zoom
from turfmap.geometry.geojson import geojson_geometry
from turfmap.geometry.overview import overview
from turfmap.postcode import normalise_postcode
from turfmap.recommend.board import DistrictNeed, NeedBoard
from turfmap.spatial.index import SpatialIndex
from turfmap.store import crosswalk, queries
from turfmap.store.models import BoundarySet, ElectionResult
from turfmap.usstates import long_name
from turfmap.words import Words, english

MAX_FULL_DETAIL_FEATURES = 400  # full geometry only for a street-level box


def district_summary(
    set_slug,
    district,
    result: ElectionResult | None,
    entry: DistrictNeed | None,
    words: Words = english,
) -> dict:
    """The one dict a district is shown as, in every API response and page; its
    need is the need board's (``entry``), as recommendations see it, its reason in
    the reader's language (``words``)."""
    return {
        "code": district.code,
        "name": district.name,
        "name_alt": district.name_alt,
        "set": set_slug,
        "parent_code": district.parent_code,
        "area_km2": round(district.area_m2 / 1e6, 3),
        "point": {"lat": round(district.point_lat, 6), "lon": round(district.point_lon, 6)},
        "result": _result_dict(result),
        "need": entry.summary(words) if entry is not None else None,
    }


def _result_dict(result: ElectionResult | None) -> dict | None:
    if result is None:
        return None
    return {
        "election": result.election,
        "winner": result.winner,
        "runner_up": result.runner_up,
        "majority": result.majority,
        "electorate": result.electorate,
        "valid_votes": result.valid_votes,
        "turnout": None if result.turnout is None else round(result.turnout, 4),
        "target_party": result.target_party,
        "target_margin": round(result.target_margin, 4),
        "target_status": result.target_status,
        "votes": result.votes,
        "notional_from": result.notional_from,
    }


def list_sets(session) -> list[dict]:
    return [
        {
            "slug": boundary_set.slug,
            "name": boundary_set.name,
            "level": boundary_set.level,
            "parent_set": boundary_set.parent_set.slug if boundary_set.parent_set else None,
            "active_generation": generation.number if generation else None,
            "generations": n_generations,
            "districts": n_districts,
        }
        for boundary_set, generation, n_districts, n_generations in queries.sets_summary(session)
    ]


def districts_at_point(session, index: SpatialIndex, board: NeedBoard, lon: float, lat: float):
    found = []
    for hit in index.district_at(lon, lat):
        boundary_set = queries.get_set(session, hit.set_slug)
        result = queries.latest_results(session, boundary_set.id, hit.code).get(hit.code)
        entry = board.get(hit.set_slug, hit.code)
        found.append(district_summary(hit.set_slug, hit, result, entry))
    return found


def district_detail(
    session, board: NeedBoard, code: str, words: Words = english
) -> tuple[dict, object]:
    """(summary with children, full geometry) of an active district."""
    boundary_set, district = queries.active_district(session, code)
    result = queries.latest_results(session, boundary_set.id, code).get(code)
    entry = board.get(boundary_set.slug, code)
    summary = district_summary(boundary_set.slug, district, result, entry, words)
    summary["children"] = [
        {"code": c.code, "name": c.name} for c in queries.child_districts(session, code)
    ]
    return summary, district.geometry


def set_features(session, index: SpatialIndex, board: NeedBoard, slug: str, zoom, boxes):
    """GeoJSON features of the set's active districts for a map at ``zoom`` in
    ``boxes`` (two where a view crosses the antimeridian), or all of them."""
    boundary_set: BoundarySet = queries.get_set(session, slug)
    if slug not in index.set_slugs:
        raise InputError(
            f"boundary set {slug!r} has no active generation", code="not_active", status=409
        )
    band = band_for_zoom(zoom)
    if boxes is None:
        members = [d for d in index.districts if d.set_slug == slug]
    else:
        seen = {}
        for box in boxes:
            seen |= {d.id: d for d in index.in_box(slug, box)}
        members = list(seen.values())
    if band is None and len(members) > MAX_FULL_DETAIL_FEATURES:
        # Street-level zoom over a whole country: the finest band, and the answer's
        # "band" says so, rather than megabytes of full detail.
        band = BANDS[-1]
    shapes = queries.shapes_for(session, [d.id for d in members], band.number if band else None)
    results = queries.latest_results(session, boundary_set.id)
    decimals = band.decimals if band else FULL_DETAIL_DECIMALS
    features = []
    for member in members:
        result, entry = results.get(member.code), board.get(slug, member.code)
        features.append(
            {
                "type": "Feature",
                "id": member.code,
                "properties": _map_properties(member, result, entry),
                "geometry": geojson_geometry(shapes[member.id], decimals),
            }
        )
    return {"band": band.label if band else "full", "features": features}


def _map_properties(member, result, entry: DistrictNeed | None) -> dict:
    """The small set of properties a choropleth needs; details come from /districts.
    The need is the board's score before commitments, so the shapes need not change
    with every commitment (the map colours by need, not by places left)."""
    need = entry.summary() if entry is not None else None
    return {
        "code": member.code,
        "name": member.name,
        "need": None if need is None else need["score"],
        "need_updated": None if need is None or not need["updated"] else need["updated"][:10],
        "winner": None if result is None else result.winner,
        "majority": None if result is None else result.majority,
        "target_margin": None if result is None else round(result.target_margin, 4),
        "target_status": None if result is None else result.target_status,
        "notional": result is not None and result.notional_from is not None,
    }


def postcode_location(session, raw: str):
    """(normalised postcode, Postcode row) or a 400/404 naming the problem."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        raise InputError(f"{shown(raw)} is not a UK postcode (for example AB10 1AN)")
    found = queries.postcode_point(session, postcode)
    if found is None:
        raise NotFound(
            f"postcode {postcode} is not in the postcode directory (or is no longer in use)"
        )
    return postcode, found


def postcode_detail(session, index: SpatialIndex, board: NeedBoard, raw: str) -> dict:
    postcode, found = postcode_location(session, raw)
    return {
        "postcode": postcode,
        "lat": found.lat,
        "lon": found.lon,
        "districts": districts_at_point(session, index, board, found.lon, found.lat),
    }


def district_page(session, board: NeedBoard, code: str, now, words: Words = english) -> dict:
    """Everything the district page shows (and its .json twin returns)."""
    boundary_set, district = queries.active_district(session, code)
    summary, _ = district_detail(session, board, code, words)
    result = summary["result"]
    if result:
        result["table"] = [
            {
                "party": party,
                "votes": votes,
                "share": round(votes / result["valid_votes"], 4) if result["valid_votes"] else None,
            }
            for party, votes in sorted(result["votes"].items(), key=lambda kv: -kv[1])
            if votes
        ]
    summary["need_history"] = [
        {
            "score": round(n.score, 1),
            "source": n.source,
            "reason": n.reason,
            "author": n.author,
            "created": n.created_at.isoformat(),
            "expires": n.expires_on.isoformat() if n.expires_on else None,
        }
        for n in queries.need_history(session, boundary_set.id, code)
    ]
    summary["sessions"] = upcoming_in_district(session, boundary_set, district, now)
    summary["boundary_change"] = crosswalk.predecessors(session, district)
    entry = board.get(boundary_set.slug, code)
    summary["contact"] = entry.contact if entry is not None else None
    summary["set_name"] = boundary_set.name
    return summary


def map_sets(session, index: SpatialIndex, requested: str | None) -> tuple[str | None, dict]:
    """(the set the map opens on, {top-level set: its active child set for street
    zooms, or None}). A search then answers from the set covering its origin, and
    the map switches to it (static/map.js).

    Read once per index (an activation brings a new index), not per page: the map
    page is every visitor's first request, and this was most of its cost."""
    if requested and requested not in index.set_slugs:
        raise NotFound(f"set {shown(requested)} is not an active boundary set")
    children = _SET_TREES.get(index)
    if children is None:
        children = _SET_TREES[index] = _active_set_tree(session)
    main = requested or next(iter(children), None)
    if requested and requested not in children:
        children = children | {requested: None}
    return main, dict(children)


# {index: {top-level set slug: its active child set or None}}, as long as the index.
_SET_TREES: WeakKeyDictionary = WeakKeyDictionary()


def _active_set_tree(session) -> dict[str, str | None]:
    summary = [s for s, g, _, _ in queries.sets_summary(session) if g is not None]
    top = [s.slug for s in summary if s.parent_set_id is None]
    return {
        slug: next(
            (s.slug for s in summary if s.parent_set is not None and s.parent_set.slug == slug),
            None,
        )
        for slug in top
    }


# {index: {set slug: Overview or None}}: a drawing lasts as long as the index it was
# drawn from (a newly activated generation brings a new index, so a new drawing).
_OVERVIEWS: WeakKeyDictionary = WeakKeyDictionary()


def map_overview(session, index: SpatialIndex, board: NeedBoard, slug: str) -> dict | None:
    """The set's districts drawn for the map page itself (geometry/overview.py),
    with each one's need today in the same order; None where the set has no
    drawing (no country-band shapes, or too many districts)."""
    drawings = _OVERVIEWS.get(index)
    if drawings is None:
        drawings = _OVERVIEWS[index] = {}
    if slug not in drawings:
        members = [d for d in index.districts if d.set_slug == slug]
        shapes = queries.shapes_for(session, [d.id for d in members], BANDS[0].number)
        ok = members and all(d.id in shapes for d in members)
        drawn = overview([shapes[d.id] for d in members]) if ok else None
        drawings[slug] = (drawn, [d.code for d in members]) if drawn else None
    if drawings[slug] is None:
        return None
    drawing, codes = drawings[slug]
    return {
        "view_box": drawing.view_box,
        "bounds": drawing.bounds,
        "paths": drawing.paths,
        "codes": codes,
        "needs": [_shown_score(board.get(slug, code)) for code in codes],
    }


def _shown_score(entry: DistrictNeed | None) -> float | None:
    return None if entry is None else entry.shown_score()


def set_hexes(session, index: SpatialIndex, board: NeedBoard, slug: str) -> dict:
    """The set's hex cartogram with what the map colours and shows for each hex."""
    boundary_set = queries.get_set(session, slug)
    cells = queries.hex_cells(session, boundary_set.id)
    if not cells:
        raise NotFound(
            f"boundary set {slug!r} has no hex layout; import one with "
            "`turfmap import hexes FILE.hexjson --set SLUG`"
        )
    names = {d.code: d for d in index.districts if d.set_slug == slug}
    results = queries.latest_results(session, boundary_set.id)
    hexes = []
    for cell in cells:
        member = names.get(cell.district_code)
        if member is None:
            continue  # a code of an older generation
        properties = _map_properties(
            member, results.get(cell.district_code), board.get(slug, cell.district_code)
        )
        hexes.append(properties | {"q": cell.q, "r": cell.r})
    return {"layout": cells[0].layout, "hexes": hexes}


def find_places(index: SpatialIndex, text: str, limit: int = 10) -> list[dict]:
    """Active districts whose name contains ``text`` (a place search that needs no
    outside geocoder), shortest names first so "Hendon" beats "Hendon South".

    >>> from turfmap.spatial.index import IndexedDistrict, SpatialIndex
    >>> import shapely
    >>> d = [IndexedDistrict(1, "s", "A", "Hendon", None, 0.5, 0.5, 1.0),
    ...      IndexedDistrict(2, "s", "B", "Finchley and Golders Green", None, 1.5, 0.5, 1.0)]
    >>> index = SpatialIndex(d, [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> [p["code"] for p in find_places(index, "hendon")]
    ['A']
    """
    needle = text.strip().casefold()
    if len(needle) < 2:
        raise InputError("q must have at least 2 characters")
    # US districts are found by their name in words too ("Pennsylvania's 3rd").
    found = [
        d
        for d in index.districts
        if needle in d.name.casefold()
        or needle in (long_name(d.name) or "").casefold()
        or needle in (d.name_alt or "").casefold()
    ]
    found.sort(key=lambda d: (not d.name.casefold().startswith(needle), len(d.name), d.name))
    return [
        {
            "code": d.code,
            "name": d.name,
            "name_alt": d.name_alt,
            "set": d.set_slug,
            "lat": round(d.point_lat, 6),
            "lon": round(d.point_lon, 6),
        }
        for d in found[:limit]
    ]
