"""jobs: long work off the request path (issue 22.10)

A boundary file's dry run and the writing of its generation ran inside the upload's
request (10 s for the 3 MB UK file; a 100 MB file would pass gunicorn's timeout).
They are now jobs, done by a job worker, with their progress on the page.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column(
            "upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("error_status", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_status", "jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_status", "jobs")
    op.drop_table("jobs")
