"""applicants: what an applicant typed into a form posted after their session ended

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 06:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_kept_form_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_form")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kept_form_token_hash")),
    )
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kept_form_applicant_id"), ["applicant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kept_form_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_form_expires_at"))
        batch_op.drop_index(batch_op.f("ix_kept_form_applicant_id"))
    op.drop_table("kept_form")
