"""population figures: the area's Census shares a council uploads for the equality report

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "population_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_population_figures_uploaded_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_figures")),
    )


def downgrade():
    op.drop_table("population_figures")
