"""export templates: a member of staff's named, ordered column sets for shortlist exports,
one name per user whatever its case (offer conditions are found by offer through the unique
index on (offer_id, kind), so they need no index of their own)

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
        # What two names must differ in (not case): saving "panel list" replaces "Panel list".
        sa.Column("name_key", sa.String(length=200), nullable=False),
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
        sa.UniqueConstraint(
            "user_id", "name_key", name=op.f("uq_export_template_user_id_name_key")
        ),
    )


def downgrade():
    op.drop_table("export_template")
