"""export templates: a member of staff's named, ordered column sets for shortlist exports;
an index on offer conditions by offer, which the export reads a batch of offers at a time

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_export_template_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_template")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_export_template_user_id_name")),
    )
    with op.batch_alter_table("offer_condition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_condition_offer_id"), ["offer_id"])


def downgrade():
    with op.batch_alter_table("offer_condition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_condition_offer_id"))
    op.drop_table("export_template")
