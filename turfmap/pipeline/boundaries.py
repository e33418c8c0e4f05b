"""Boundary import: read, clean, simplify per zoom band, measure, find parents, and
load everything into a new inactive generation in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from turfmap.errors import InputError
from turfmap.geometry.bands import BANDS
from turfmap.geometry.geojson import geojson_bytes
from turfmap.inputs.report import ImportReport
from turfmap.pipeline.clean import CleanFeatures, clean_features
from turfmap.pipeline.crosswalk import Crosswalk, crosswalk
from turfmap.pipeline.notional import NotionalPlan, plan_notional, store_notional
from turfmap.pipeline.parents import best_parents
from turfmap.pipeline.read import DEFAULT_MAX_UNZIPPED_MB, read_boundaries
from turfmap.pipeline.sanity import placement_problems
from turfmap.pipeline.simplify import simplify_bands
from turfmap.store.crosswalk import codes_and_ids, postcode_positions, store_crosswalk
from turfmap.store.db import Database
from turfmap.store.models import BoundarySet, District, DistrictShape, Generation
from turfmap.store.queries import (
    find_set,
    get_set,
    parent_districts,
    reference_generation,
    shapes_for,
)

# Lambert cylindrical equal-area on WGS84: areas in m² anywhere on Earth.
_TO_EQUAL_AREA = Transformer.from_crs(4326, 6933, always_xy=True)


@dataclass
class BoundaryOptions:
    set_slug: str
    set_name: str | None = None
    level: str = "district"
    code_field: str | None = None
    name_field: str | None = None
    layer: str | None = None
    crs: str | None = None
    parent_set: str | None = None
    accept: bool = False  # load although the districts look misplaced (sanity.py)
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB
    commit: bool = False


@dataclass
class PreparedBoundaries:
    features: CleanFeatures
    bands: dict[int, np.ndarray]
    areas_m2: np.ndarray
    points: np.ndarray
    parents: list[str | None]
    # Against the set's generation in use (or newest), where it has one already.
    previous: Generation | None = None
    crosswalk: Crosswalk | None = None
    notional: NotionalPlan | None = None  # results until real ones come for these lines


def import_boundaries(
    db: Database,
    path: Path,
    options: BoundaryOptions,
    *,
    actor: str | None = None,
    source: str | None = None,
    on_note=None,
) -> ImportReport:
    """Dry run, or with ``options.commit`` a new inactive generation. ``source`` names
    the file in the report when ``path`` is a temporary copy (an upload); ``on_note``
    hears each line of the report as it is written."""
    report = ImportReport("boundaries", source or str(path), options.set_slug, on_note=on_note)
    if actor:
        report.actor = actor
    with db.session() as session:
        prepared = prepare_boundaries(session, Path(path), options, report)
    if options.commit:
        with db.transaction() as session:
            generation = load_generation(session, prepared, options, report)
            report.note(
                f"loaded as generation {generation.number} of {options.set_slug!r}, INACTIVE: "
                f"activate it with `turfmap generations activate {options.set_slug}`"
            )
    return report


def prepare_boundaries(
    session: Session, path: Path, options: BoundaryOptions, report: ImportReport
) -> PreparedBoundaries:
    """Everything up to the write, so that a dry run reports exactly what a commit would do."""
    if not options.set_slug or not options.set_slug.replace("-", "").isalnum():
        raise InputError(f"--set {options.set_slug!r}: use letters, digits and hyphens")
    read = read_boundaries(
        path, layer=options.layer, crs=options.crs, max_unzipped_mb=options.max_unzipped_mb
    )
    for line in read.notes:
        report.note(line)
    features = clean_features(read.frame, options.code_field, options.name_field)
    geometries = features.geometries
    report.note(
        f"{len(features.codes)} features; code field {features.code_field!r}, "
        f"name field {features.name_field!r}"
    )
    if features.alternative_field:
        named = sum(1 for a in features.alternative_names if a)
        report.note(
            f"alternative names from field {features.alternative_field!r}: {named} "
            "districts (shown beside the name, found by search)"
        )
    report.note(f"invalid geometries repaired: {features.invalid_fixed}")
    vertices = int(shapely.get_num_coordinates(geometries).sum())
    report.note(f"vertices: {vertices:,} in full detail")
    bands = simplify_bands(geometries)
    for band in BANDS:
        shapes = bands[band.number]
        raw, gzipped = geojson_bytes(shapes, band.decimals)
        same = (
            "; the source is coarser than this band already, so the band is the source"
            if int(shapely.get_num_coordinates(shapes).sum()) >= vertices
            else ""
        )
        report.note(
            f"band {band.number} ({band.label}, to zoom {band.max_zoom}, {band.tolerance_m:g} m): "
            f"{int(shapely.get_num_coordinates(shapes).sum()):,} vertices, GeoJSON geometry "
            f"{raw / 1024:,.0f} KB, {gzipped / 1024:,.0f} KB gzipped{same}"
        )
    areas = shapely.area(
        shapely.transform(
            geometries,
            lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])),
        )
    )
    points = shapely.point_on_surface(geometries)
    _check_placement(points, features.codes, options, report)
    parents = _parents(session, options.parent_set, geometries, report)
    report.counts = {
        "features": len(features.codes),
        "invalid_fixed": features.invalid_fixed,
        "vertices": vertices,
    }
    previous, found, plan = _against_previous(
        session, options.set_slug, features.codes, bands, areas, report
    )
    return PreparedBoundaries(features, bands, areas, points, parents, previous, found, plan)


def _against_previous(session, set_slug: str, codes, bands, areas, report: ImportReport):
    """(the set's generation in use, the crosswalk to it, notional results through
    it), or Nones for a set's first generation; the report says what appears,
    disappears and moves, and what the notional results come to."""
    boundary_set = find_set(session, set_slug)
    if boundary_set is None or not boundary_set.generations:
        return None, None, None
    previous = reference_generation(session, boundary_set)
    local = BANDS[-1].number
    old = codes_and_ids(session, previous.id)
    shapes = shapes_for(session, list(old.values()), local)
    found = crosswalk(
        list(old),
        [shapes[i] for i in old.values()],
        list(codes),
        list(bands[local]),
        postcode_positions(session),
    )
    _describe_crosswalk(report, previous, found, list(codes))
    plan = plan_notional(session, boundary_set, previous, list(codes), areas, found, report)
    return previous, found, plan


def _describe_crosswalk(report: ImportReport, previous, found: Crosswalk, codes) -> None:
    counts = found.counts()
    which = "active" if previous.active else "the newest; not active"
    report.note(
        f"against generation {previous.number} ({which}): {counts['same']} codes kept with "
        f"the same outline, {counts['changed']} kept around a changed outline (new districts "
        f"under old codes), {counts['new']} new codes; {counts['gone']} codes disappear"
        + _some(found.gone)
    )
    for status, what in (("changed", "kept around a changed outline"), ("new", "new codes")):
        listed = [code for code, seen in found.status.items() if seen == status]
        if listed:
            report.note(f"  {what}{_some(listed)}")
    row = {code: i for i, code in enumerate(codes)}
    predecessors = np.bincount([row[s.new_code] for s in found.shares], minlength=len(codes))
    people = (
        f", and by postcodes in the {found.with_people} that hold imported postcodes"
        if found.with_people
        else ""
    )
    report.note(
        f"crosswalk to generation {previous.number}: each new district's shares of the old "
        f"ones by area{people}; {int((predecessors == 1).sum())} lie within one old district, "
        f"the others across up to {int(predecessors.max())}"
    )
    report.counts["crosswalk"] = counts


def _some(codes: list[str], shown: int = 5) -> str:
    if not codes:
        return ""
    return " (" + ", ".join(codes[:shown]) + (", ..." if len(codes) > shown else "") + ")"


def _check_placement(points, codes, options: BoundaryOptions, report: ImportReport) -> None:
    problems = placement_problems(points, codes)
    if problems and not options.accept:
        raise InputError(
            f"{report.source}: the districts look misplaced: {' '.join(problems)} Nothing was "
            "loaded; if the file is right after all, import it again with --accept"
        )
    for problem in problems:
        report.note(f"ACCEPTED although: {problem}")


def _parents(session, parent_slug, geometries, report) -> list[str | None]:
    """Each feature's parent: the parent-set district it overlaps most."""
    if not parent_slug:
        return [None] * len(geometries)
    parent_set = get_set(session, parent_slug)
    parents = parent_districts(session, parent_set)
    rows, shares = best_parents(geometries, [p.geometry for p in parents])
    found = [None if row is None else parents[row].code for row in rows]
    orphans = sum(1 for p in found if p is None)
    report.note(
        f"parents from {parent_slug!r}: {len(found) - orphans} assigned, {orphans} outside "
        f"every parent; median share inside the parent {np.median(shares or [0]):.1%}"
    )
    return found


def load_generation(
    session: Session, prepared: PreparedBoundaries, options: BoundaryOptions, report
) -> Generation:
    boundary_set = find_set(session, options.set_slug)
    if boundary_set is None:
        parent = get_set(session, options.parent_set) if options.parent_set else None
        boundary_set = BoundarySet(
            slug=options.set_slug,
            name=options.set_name or options.set_slug,
            level=options.level,
            parent_set=parent,
        )
        session.add(boundary_set)
        session.flush()
    number = (
        session.scalar(
            select(func.max(Generation.number)).where(Generation.set_id == boundary_set.id)
        )
        or 0
    ) + 1
    run = report.record(session)
    generation = Generation(
        set_id=boundary_set.id,
        number=number,
        active=False,
        source=report.source,
        import_run_id=run.id,
    )
    session.add(generation)
    session.flush()
    features = prepared.features
    for i, code in enumerate(features.codes):
        district = District(
            generation_id=generation.id,
            code=code,
            name=features.names[i],
            name_alt=features.alternative_names[i] if features.alternative_names else None,
            parent_code=prepared.parents[i],
            area_m2=float(prepared.areas_m2[i]),
            point_lon=float(prepared.points[i].x),
            point_lat=float(prepared.points[i].y),
            geometry=features.geometries[i],
        )
        district.shapes = [
            DistrictShape(band=band.number, geometry=prepared.bands[band.number][i])
            for band in BANDS
        ]
        session.add(district)
    session.flush()
    if not features.codes:
        raise InputError("no districts to load")
    if prepared.crosswalk is not None:
        store_crosswalk(session, generation.id, prepared.previous.id, prepared.crosswalk)
    if prepared.notional is not None:
        store_notional(session, generation, prepared.notional, run.id)
    run.report = report.render()
    return generation
