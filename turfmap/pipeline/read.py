"""Reading boundary files of any layout pyogrio knows into a GeoDataFrame in EPSG:4326."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError

from turfmap.errors import InputError
from turfmap.pipeline.sanity import check_finite, check_projected

SUPPORTED = ".geojson .json .topojson .shp .zip .gpkg"
MAX_ZIP_MEMBERS = 100
DEFAULT_MAX_UNZIPPED_MB = 1024


@dataclass
class ReadBoundaries:
    frame: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def read_boundaries(
    path: Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
):
    """Read ``path`` and return its features in EPSG:4326 with notes for the report.

    ``crs`` declares the coordinate system of a file that has none, or overrides a
    wrong one. Raises InputError naming the problem for anything unreadable, and
    for a zip archive that would expand beyond ``max_unzipped_mb``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    source = _source_for(path, max_unzipped_mb * 1024 * 1024)
    notes: list[str] = []
    try:
        frame = gpd.read_file(source, layer=layer, engine="pyogrio")
    except (DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError(f"{path}: not a readable boundary file ({SUPPORTED}): {exc}") from exc
    if len(frame) == 0:
        raise InputError(f"{path}: the file has no features")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        # A CSV or a table: rows, but no shapes (GDAL reads it without complaint).
        raise InputError(
            f"{path}: holds no geometry (a table, not a boundary file); boundaries come "
            f"as {SUPPORTED}"
        )
    return ReadBoundaries(_to_lonlat(frame, path, crs, notes), notes)


def _source_for(path: Path, max_bytes: int) -> str:
    if path.suffix.lower() != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive, max_bytes)
            names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputError(f"{path}: the zip archive is damaged or truncated ({exc})") from exc
    inner = [n for n in names if n.lower().endswith((".shp", ".gpkg", ".geojson", ".json"))]
    if not inner:
        raise InputError(f"{path}: the zip archive holds no .shp, .gpkg or .geojson file")
    return f"zip://{path}!{inner[0]}"


def _check_archive(path: Path, archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse an archive of too many files, or one that expands beyond ``max_bytes``,
    before anything reads it: first by what its headers declare, then by what its
    members really decompress to (headers can lie), stopping at the limit. Reading
    every member whole also checks its CRC."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    limit_mb = max_bytes / 1024 / 1024
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"{path}: the zip archive holds {len(members)} files; at most {MAX_ZIP_MEMBERS} "
            "are read (a Shapefile needs four)"
        )
    declared = sum(info.file_size for info in members)
    if declared > max_bytes:
        raise InputError(
            f"{path}: the zip archive would expand to {declared / 1024 / 1024:,.0f} MB, more "
            f"than the {limit_mb:,.0f} MB allowed (TURFMAP_MAX_UNZIPPED_MB)"
        )
    total = 0
    for info in members:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > max_bytes:
                    raise InputError(
                        f"{path}: {info.filename} expands beyond the {limit_mb:,.0f} MB allowed "
                        "(TURFMAP_MAX_UNZIPPED_MB), more than its header says"
                    )


def _to_lonlat(frame, path: Path, crs: str | None, notes: list[str]):
    if crs:
        try:
            declared = CRS.from_user_input(crs)
        except CRSError as exc:
            raise InputError(f"--crs {crs!r} is not a coordinate reference system") from exc
        frame = frame.set_crs(declared, allow_override=True)
        notes.append(f"coordinate system taken from --crs: {declared.to_string()}")
    elif frame.crs is None:
        if not _is_topojson(path):
            raise InputError(
                f"{path}: the file declares no coordinate reference system; "
                "name it with --crs (for example --crs EPSG:27700 for British National Grid)"
            )
        frame = frame.set_crs(4326)
        notes.append("TopoJSON without a CRS: coordinates taken as WGS84 longitude/latitude")
    check_finite(frame.geometry.values, path)
    if frame.crs.is_geographic:
        _check_lonlat_range(frame, path)
    else:
        check_projected(frame, path)
    if not frame.crs.equals(CRS.from_epsg(4326)):
        notes.append(f"reprojected from {frame.crs.to_string()} to EPSG:4326")
        frame = frame.to_crs(4326)
    return frame


def _is_topojson(path: Path) -> bool:
    if path.suffix.lower() not in (".json", ".topojson", ".geojson"):
        return False
    with open(path, "rb") as handle:
        return b'"Topology"' in handle.read(4096)


def _check_lonlat_range(frame, path: Path) -> None:
    minx, miny, maxx, maxy = frame.total_bounds
    if np.isfinite([minx, miny, maxx, maxy]).all() and (
        minx < -180.5 or maxx > 180.5 or miny < -90.5 or maxy > 90.5
    ):
        hint = ""
        if minx >= 0 and maxx <= 700_000 and miny >= 0 and maxy <= 1_300_000:
            hint = " They look like British National Grid metres: add --crs EPSG:27700."
        raise InputError(
            f"{path}: coordinates run from ({minx:.0f}, {miny:.0f}) to ({maxx:.0f}, {maxy:.0f}), "
            f"outside longitude/latitude, yet the file says {frame.crs.to_string()}.{hint}"
        )


def polygon_parts_only(geometry):
    """Keep the polygonal parts of whatever make_valid returned.

    >>> import shapely
    >>> line = shapely.LineString([(2, 2), (3, 3)])
    >>> mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), line])
    >>> polygon_parts_only(mixed).wkt
    'MULTIPOLYGON (((1 0, 1 1, 0 1, 0 0, 1 0)))'
    """
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = []
    for part in parts:
        polygons.extend(shapely.get_parts(part))
    return shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()
