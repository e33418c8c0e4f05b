"""Column types that behave the same on both backends: geometry, and times in UTC.

PostGIS stores a real ``geometry`` (GeoAlchemy2), so SQL can use GiST indexes and
ST_* functions; plain SQLite stores the same shape as WKB bytes. Either way the
Python side only ever sees shapely geometries, so no other layer knows which
backend it is talking to.
"""

from __future__ import annotations

from datetime import UTC

import shapely
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy.types import DateTime, LargeBinary, TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time, always read back as an aware UTC datetime.

    PostgreSQL's timestamptz returns aware values in the connection's zone; SQLite
    stores text and returns naive ones. Everything turfmap stores is UTC, so the
    difference ends here rather than in every caller."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone; turfmap stores aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class GeometryType(TypeDecorator):
    impl = LargeBinary
    cache_ok = True
    # Read by GeoAlchemy2's DDL hooks; indexes are made by the migrations instead.
    spatial_index = False
    use_N_D_index = False
    use_typmod = None

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = 4326):
        super().__init__()
        self.geometry_type = geometry_type
        self.srid = srid

    def load_dialect_impl(self, dialect):
        if dialect is None or dialect.name == "postgresql":
            # GeoAlchemy2's DDL hooks ask with dialect=None while inspecting a table.
            # GiST indexes are created explicitly in the migration, where they are named.
            geometry = Geometry(self.geometry_type, srid=self.srid, spatial_index=False)
            return geometry if dialect is None else dialect.type_descriptor(geometry)
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            # Hex EWKB is geometry's own text form: PostGIS parses it, SRID included.
            return shapely.to_wkb(shapely.set_srid(value, self.srid), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return to_shape(value)
        return shapely.from_wkb(value)
