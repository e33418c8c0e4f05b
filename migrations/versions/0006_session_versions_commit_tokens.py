"""sign-in session versions; one commitment per token

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_nonce", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_commitments_token_nonce", ["token_nonce"])


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_commitments_token_nonce", type_="unique")
        batch_op.drop_column("token_nonce")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
