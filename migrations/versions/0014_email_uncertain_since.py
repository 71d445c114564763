"""notifications: remember emails whose worker stopped mid-send (they may have gone twice)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uncertain_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_email_uncertain_was_tried"), "uncertain_since IS NULL OR attempts > 0"
        )


def downgrade():
    with op.batch_alter_table("email", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_email_uncertain_was_tried"), type_="check")
        batch_op.drop_column("uncertain_since")
