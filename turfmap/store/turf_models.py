"""Models for the doorstep: doors, the walkable street network, and turfs.

Doors belong to the boundary set they were imported for (``--set``) and sit in
one of its districts; ``door_districts`` records where each door falls in every
set that was active when it was imported. The street network is one graph for
the whole installation (an import replaces it): edges between OSM node ids, with
the trunk and primary roads flagged as ``major`` because a turf should not cross
them, and railways and rivers kept as barriers for the same reason.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from turfmap.store.models import Base, utcnow
from turfmap.store.types import GeometryType, UTCDateTime


class Door(Base):
    __tablename__ = "doors"
    __table_args__ = (
        Index("ix_doors_district", "set_id", "district_code"),
        UniqueConstraint("set_id", "uprn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    uprn: Mapped[str | None] = mapped_column(String(40))
    household: Mapped[str | None] = mapped_column(String(80))
    voters: Mapped[int] = mapped_column(Integer, default=1)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    geometry = mapped_column(GeometryType("POINT"), nullable=False)


class DoorDistrict(Base):
    __tablename__ = "door_districts"

    door_id: Mapped[int] = mapped_column(
        ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True
    )
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(40))


class BoundingBox:
    """The shape's bounding box, for a query by area that SQLite can index too."""

    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)


class StreetEdge(BoundingBox, Base):
    __tablename__ = "street_edges"
    __table_args__ = (Index("ix_street_edges_box", "min_lon", "max_lon", "min_lat", "max_lat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    u: Mapped[int] = mapped_column(BigInteger)
    v: Mapped[int] = mapped_column(BigInteger)
    osm_way_id: Mapped[int | None] = mapped_column(BigInteger)
    highway: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    length_m: Mapped[float] = mapped_column(Float)
    major: Mapped[bool] = mapped_column(Boolean)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    geometry = mapped_column(GeometryType("LINESTRING"), nullable=False)


class StreetBarrier(BoundingBox, Base):
    __tablename__ = "street_barriers"
    __table_args__ = (Index("ix_street_barriers_box", "min_lon", "max_lon", "min_lat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # railway, river, canal
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    geometry = mapped_column(GeometryType("LINESTRING"), nullable=False)


class Turf(Base):
    __tablename__ = "turfs"
    __table_args__ = (Index("ix_turfs_district", "set_id", "district_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    doors_target: Mapped[int] = mapped_column(Integer)
    door_count: Mapped[int] = mapped_column(Integer)
    route_metres: Mapped[float] = mapped_column(Float)
    minutes_estimate: Mapped[float] = mapped_column(Float)
    street_blind: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="unassigned")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("canvass_sessions.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    geometry = mapped_column(GeometryType("MULTIPOLYGON"), nullable=False)
    route = mapped_column(GeometryType("LINESTRING"))


class TurfDoor(Base):
    __tablename__ = "turf_doors"

    turf_id: Mapped[int] = mapped_column(
        ForeignKey("turfs.id", ondelete="CASCADE"), primary_key=True
    )
    door_id: Mapped[int] = mapped_column(
        ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)


class WalkLink(Base):
    """An unguessable link to one turf, until it expires. Only the token's SHA-256
    is kept, so the database alone cannot open a walk."""

    __tablename__ = "walk_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rsvp_id: Mapped[int | None] = mapped_column(ForeignKey("rsvps.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DoorOutcome(Base):
    """What happened at a door. The id is made on the phone, so a retried upload is
    recognised and never counted twice."""

    __tablename__ = "door_outcomes"
    __table_args__ = (Index("ix_door_outcomes_turf", "turf_id", "door_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id", ondelete="CASCADE"))
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    support: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    corrected_by: Mapped[str | None] = mapped_column(String(200))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CanvassProgress(Base):
    """Doors knocked (first outcome of the day at a door) per district per day: what
    the need model counts (scoring/need.py, coverage)."""

    __tablename__ = "canvass_progress"

    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    doors: Mapped[int] = mapped_column(Integer, default=0)
