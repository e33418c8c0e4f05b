"""GeoJSON bytes per zoom band for the 650 UK seats, raw and gzipped, as the API
serves them (properties included), and gaps/overlaps between neighbours.
Target: the whole-UK band <= 250 KB gzipped with 0 gaps. Baseline in the same run:
the full-detail geometry, serialised the same way."""

from __future__ import annotations

import gzip
import json

import numpy as np
import shapely

from bench.common import UK
from turfmap.geometry.bands import BANDS, FULL_DETAIL_DECIMALS
from turfmap.geometry.geojson import geojson_geometry
from turfmap.pipeline.clean import clean_features
from turfmap.pipeline.read import read_boundaries
from turfmap.pipeline.simplify import coverage_defects, simplify_bands


def served_bytes(codes, names, shapes, decimals) -> tuple[int, int]:
    """A FeatureCollection like /api/v1/sets/<slug>/districts.geojson returns."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {
                "code": code,
                "name": name,
                "need": 100.0,
                "need_updated": "2026-11-23",
                "winner": "Lab",
                "majority": 12345,
                "target_margin": 0.1234,
                "target_status": "hold",
            },
            "geometry": geojson_geometry(shape, decimals),
        }
        for code, name, shape in zip(codes, names, shapes, strict=True)
    ]
    payload = json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode()
    return len(payload), len(gzip.compress(payload, 6))


def run() -> dict:
    features = clean_features(read_boundaries(UK / "wpc_2024_uk_bgc.topojson").frame)
    bands = simplify_bands(features.geometries)
    cleaned = shapely.coverage_clean(features.geometries)
    full_raw, full_gz = served_bytes(
        features.codes, features.names, features.geometries, FULL_DETAIL_DECIMALS
    )
    print(
        f"full detail (baseline): {full_raw / 1024:,.0f} KB raw, {full_gz / 1024:,.0f} KB "
        f"gzipped, {int(shapely.get_num_coordinates(features.geometries).sum()):,} vertices"
    )
    figures = {"full_gzip_kb": round(full_gz / 1024)}
    for band in BANDS:
        shapes = bands[band.number]
        raw, gz = served_bytes(features.codes, features.names, shapes, band.decimals)
        defects = coverage_defects(shapes, cleaned)
        vertices = int(np.sum(shapely.get_num_coordinates(shapes)))
        figures[f"{band.label}_gzip_kb"] = round(gz / 1024)
        figures[f"{band.label}_defects"] = defects
        print(
            f"band {band.label} (zoom <= {band.max_zoom}, {band.tolerance_m:g} m): "
            f"{raw / 1024:,.0f} KB raw, {gz / 1024:,.0f} KB gzipped "
            f"({gz / full_gz:.0%} of full), {vertices:,} vertices, overlap "
            f"{defects['overlap']:g}, new gaps {defects['new_gaps']}"
        )
    return figures


if __name__ == "__main__":
    run()
