"""identity reveals: an HR user chose to see who a candidate is during the name-blind sift

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identity_reveal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_identity_reveal_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_identity_reveal_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_reveal")),
        sa.UniqueConstraint(
            "application_id", "user_id", name=op.f("uq_identity_reveal_application_id_user_id")
        ),
    )
    with op.batch_alter_table("identity_reveal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_reveal_application_id"), ["application_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("identity_reveal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_reveal_application_id"))

    op.drop_table("identity_reveal")
