"""state versions bumped by writes; needs are no longer stored at results import;
each result says what contest it comes from

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "state_versions",
        sa.Column("name", sa.String(length=20), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.bulk_insert(versions, [{"name": n, "version": 1} for n in ("index", "needs", "activity")])
    # A result's need is now worked out from the result under the settings in force
    # (recommend.board); the rows once stored at import were a second, stale copy.
    op.execute("DELETE FROM needs WHERE source = 'computed'")
    with op.batch_alter_table("election_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contest", sa.String(length=80), nullable=True))


def downgrade() -> None:
    # The computed rows are not remade: 0006's code reads a result without one as
    # "no need recorded" until its results are imported again.
    with op.batch_alter_table("election_results", schema=None) as batch_op:
        batch_op.drop_column("contest")
    op.drop_table("state_versions")
