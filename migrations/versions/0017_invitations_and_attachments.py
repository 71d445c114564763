"""scheduling and outbox: files attached to emails; when a slot was made; panel look-ups

Each panel member is emailed a calendar invitation for each slot they sit on. The outbox
keeps an email's attachments (file name, content type, content) on its row, so the worker
sends exactly what was queued. A slot's creation time is the invitation's DTSTAMP, so the
file downloaded later is the one that was emailed. Finding a person's other slots (to refuse
an overlap) reads slot_panel by user.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 06:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # The default fills the rows already there; new rows get theirs from the model.
    with op.batch_alter_table("email", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attachments", sa.JSON(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("email", schema=None) as batch_op:
        batch_op.alter_column("attachments", server_default=None)
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            )
        )
    op.create_index("ix_slot_panel_user_id", "slot_panel", ["user_id"], unique=False)


def downgrade():
    op.drop_index("ix_slot_panel_user_id", table_name="slot_panel")
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_column("created_at")
    with op.batch_alter_table("email", schema=None) as batch_op:
        batch_op.drop_column("attachments")
