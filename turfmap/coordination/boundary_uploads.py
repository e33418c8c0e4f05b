"""Boundary files uploaded by admins: a dry run first (the same report the CLI
prints), then the new generation written inactive, then activated separately."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from turfmap.coordination.permissions import Actor, require_admin
from turfmap.coordination.uploads import DEFAULT_RETENTION_HOURS, finished, get_upload, stage
from turfmap.errors import InputError
from turfmap.inputs.report import ImportReport
from turfmap.pipeline.boundaries import BoundaryOptions, import_boundaries
from turfmap.store.db import Database
from turfmap.store.models import Upload

__all__ = ["BoundaryOptions", "check_filename", "dry_run", "stage_upload", "write_generation"]
SUFFIXES = (".geojson", ".json", ".topojson", ".gpkg", ".zip")


def check_filename(filename: str) -> str:
    """
    >>> check_filename("wards.GeoJSON")
    '.geojson'
    >>> check_filename("wards.shp")
    Traceback (most recent call last):
    turfmap.errors.InputError: wards.shp: upload a Shapefile as one .zip with its .dbf, ...
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".shp":
        raise InputError(
            f"{filename}: upload a Shapefile as one .zip with its .dbf, .shx and .prj files"
        )
    if suffix not in SUFFIXES:
        raise InputError(f"{filename}: not a boundary file (use {', '.join(SUFFIXES)})")
    return suffix


def stage_upload(
    session,
    actor: Actor,
    *,
    filename: str,
    data: bytes,
    options: BoundaryOptions,
    retention_hours: float = DEFAULT_RETENTION_HOURS,
) -> Upload:
    """Keep the uploaded file for its dry run and its write (checked for what can
    be told without reading it: the admin's right, its name, that it is not empty)."""
    require_admin(actor)
    check_filename(filename)
    if not data:
        raise InputError(f"{filename}: the file is empty")
    upload = stage(
        session,
        actor,
        kind="boundaries",
        set_slug=options.set_slug,
        filename=filename,
        data=data,
        retention_hours=retention_hours,
    )
    upload.options = asdict(replace(options, commit=False))
    return upload


def dry_run(db: Database, actor: Actor, upload_id: int, on_note=None) -> ImportReport:
    """The dry-run report of a staged file (nothing public changes)."""
    return _run_staged(db, actor, upload_id, commit=False, on_note=on_note)


def write_generation(db: Database, actor: Actor, upload_id: int, on_note=None) -> ImportReport:
    """Write the previewed file as a new inactive generation."""
    report = _run_staged(db, actor, upload_id, commit=True, on_note=on_note)
    with db.transaction() as session:
        upload = get_upload(session, actor, upload_id, "boundaries")
        finished(upload)
    return report


def _run_staged(db, actor, upload_id: int, *, commit: bool, on_note) -> ImportReport:
    require_admin(actor)
    with db.session() as session:
        upload = get_upload(session, actor, upload_id, "boundaries")
        filename, data, options = upload.filename, upload.content, dict(upload.options)
    options["commit"] = commit
    return _run(db, actor, filename, data, BoundaryOptions(**options), on_note)


def _run(db, actor, filename, data, options, on_note=None) -> ImportReport:
    suffix = check_filename(filename)
    with tempfile.TemporaryDirectory(prefix="turfmap-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return import_boundaries(
                db, path, options, actor=actor.email, source=filename, on_note=on_note
            )
        except InputError as error:
            # Name the file as the admin knows it, not the temporary copy.
            raise InputError(error.message.replace(str(path), filename)) from None
