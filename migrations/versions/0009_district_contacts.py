"""district contacts: how volunteers reach a district's organisers

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "district_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "set_id",
            sa.Integer(),
            sa.ForeignKey("boundary_sets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("district_code", sa.String(length=40), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("set_id", "district_code"),
    )


def downgrade() -> None:
    op.drop_table("district_contacts")
