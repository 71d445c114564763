"""application age band: the equality report's coarse age band, kept when retention blanks
the date of birth so the report counts the same afterwards

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("age_band", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("application") as batch:
        batch.drop_column("age_band")
