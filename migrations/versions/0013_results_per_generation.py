"""results belong to a generation, and may be notional (issue 21)

A result was kept by (set, election, code), so a code that survived a redraw
showed the old election's figures as if they were about the new district, and a
new generation could not be given results before it was switched on. Existing
results go to the generation in use (or the newest) of their set.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# SQLite's copy of the table reflects the unnamed unique constraint under this name.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
OLD_UNIQUE = {
    "sqlite": "uq_election_results_set_id",
    "postgresql": "election_results_set_id_election_district_code_key",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("election_results", naming_convention=NAMING) as batch:
        batch.add_column(sa.Column("generation_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notional_from", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE election_results SET generation_id = (SELECT g.id FROM generations g "
        "WHERE g.set_id = election_results.set_id ORDER BY g.active DESC, g.number DESC "
        "LIMIT 1)"
    )
    with op.batch_alter_table("election_results", naming_convention=NAMING) as batch:
        batch.drop_constraint(OLD_UNIQUE[dialect], type_="unique")
        batch.create_foreign_key(
            "fk_election_results_generation",
            "generations",
            ["generation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            "uq_election_results_generation", ["generation_id", "election", "district_code"]
        )


def downgrade() -> None:
    with op.batch_alter_table("election_results", naming_convention=NAMING) as batch:
        batch.drop_constraint("uq_election_results_generation", type_="unique")
        batch.drop_constraint("fk_election_results_generation", type_="foreignkey")
        batch.drop_column("notional_from")
        batch.drop_column("generation_id")
        batch.create_unique_constraint(
            "uq_election_results_set_id", ["set_id", "election", "district_code"]
        )
