"""crosswalk between a set's generations (issue 21)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crosswalk_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "to_generation_id",
            sa.Integer(),
            sa.ForeignKey("generations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "from_generation_id",
            sa.Integer(),
            sa.ForeignKey("generations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("new_code", sa.String(length=40), nullable=False),
        sa.Column("old_code", sa.String(length=40), nullable=False),
        sa.Column("area_share", sa.Float(), nullable=False),
        sa.Column("people_share", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
    )
    op.create_index("ix_crosswalk_new", "crosswalk_shares", ["to_generation_id", "new_code"])


def downgrade() -> None:
    op.drop_index("ix_crosswalk_new", table_name="crosswalk_shares")
    op.drop_table("crosswalk_shares")
