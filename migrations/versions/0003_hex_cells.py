"""hex cartogram cells

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hex_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=40), nullable=False),
        sa.Column("layout", sa.String(length=10), nullable=False),
        sa.Column("q", sa.Integer(), nullable=False),
        sa.Column("r", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["import_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["boundary_sets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id", "district_code"),
    )


def downgrade() -> None:
    op.drop_table("hex_cells")
