"""walk links, door outcomes and doors knocked per district per day (issue 20)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from turfmap.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "walk_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("turf_id", sa.Integer(), sa.ForeignKey("turfs.id", ondelete="CASCADE")),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("rsvp_id", sa.Integer(), sa.ForeignKey("rsvps.id"), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "door_outcomes",
        sa.Column("id", sa.String(length=36), primary_key=True),  # made on the phone
        sa.Column("turf_id", sa.Integer(), sa.ForeignKey("turfs.id", ondelete="CASCADE")),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE")),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("support", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("corrected_by", sa.String(length=200), nullable=True),
        sa.Column("corrected_at", UTCDateTime(), nullable=True),
        sa.Index("ix_door_outcomes_turf", "turf_id", "door_id"),
    )
    op.create_table(
        "canvass_progress",
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id")),
        sa.Column("district_code", sa.String(length=40)),
        sa.Column("day", sa.Date()),
        sa.Column("doors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("set_id", "district_code", "day"),
    )


def downgrade() -> None:
    op.drop_table("canvass_progress")
    op.drop_table("door_outcomes")
    op.drop_table("walk_links")
