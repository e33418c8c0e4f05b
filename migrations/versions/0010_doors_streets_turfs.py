"""doors, the walkable street network, and turfs cut from them (issue 20)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from turfmap.store.types import GeometryType, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "doors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id"), nullable=False),
        sa.Column("district_code", sa.String(length=40), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("uprn", sa.String(length=40), nullable=True),
        sa.Column("household", sa.String(length=80), nullable=True),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=True),
        sa.Column("geometry", GeometryType("POINT"), nullable=False),
        sa.Index("ix_doors_district", "set_id", "district_code"),
        sa.UniqueConstraint("set_id", "uprn"),
    )
    op.create_table(
        "door_districts",
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE")),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id")),
        sa.Column("district_code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("door_id", "set_id"),
    )
    op.create_table(
        "street_edges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("u", sa.BigInteger(), nullable=False),
        sa.Column("v", sa.BigInteger(), nullable=False),
        sa.Column("osm_way_id", sa.BigInteger(), nullable=True),
        sa.Column("highway", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("geometry", GeometryType("LINESTRING"), nullable=False),
        sa.Index("ix_street_edges_box", "min_lon", "max_lon", "min_lat", "max_lat"),
    )
    op.create_table(
        "street_barriers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("geometry", GeometryType("LINESTRING"), nullable=False),
        sa.Index("ix_street_barriers_box", "min_lon", "max_lon", "min_lat"),
    )
    op.create_table(
        "turfs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id"), nullable=False),
        sa.Column("district_code", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("doors_target", sa.Integer(), nullable=False),
        sa.Column("door_count", sa.Integer(), nullable=False),
        sa.Column("route_metres", sa.Float(), nullable=False),
        sa.Column("minutes_estimate", sa.Float(), nullable=False),
        sa.Column("street_blind", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("canvass_sessions.id"), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("geometry", GeometryType("MULTIPOLYGON"), nullable=False),
        sa.Column("route", GeometryType("LINESTRING"), nullable=True),
        sa.Index("ix_turfs_district", "set_id", "district_code"),
    )
    op.create_table(
        "turf_doors",
        sa.Column("turf_id", sa.Integer(), sa.ForeignKey("turfs.id", ondelete="CASCADE")),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE")),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("turf_id", "door_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in ("doors", "street_edges", "street_barriers", "turfs"):
            op.create_index(f"ix_{table}_geometry", table, ["geometry"], postgresql_using="gist")


def downgrade() -> None:
    for table in ("turf_doors", "turfs", "street_barriers", "street_edges", "door_districts"):
        op.drop_table(table)
    op.drop_table("doors")
