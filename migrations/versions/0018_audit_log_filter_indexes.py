"""audit log: indexes that lead with each filter and then the time

The audit log is read newest first, filtered by who acted, by action or by the record a
user's history is about. An index on (column, occurred_at, id), the page's order, gives a
page of 50 as the next 50 entries of the index, however many events there are; the single-column indexes on actor_id
and action are the leading columns of the new ones, so they go.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_actor_time", ["actor_id", "occurred_at", "id"])
        batch_op.create_index("ix_audit_event_action_time", ["action", "occurred_at", "id"])
        batch_op.create_index("ix_audit_event_object", ["object_type", "object_id"])
        batch_op.drop_index("ix_audit_event_actor_id")
        batch_op.drop_index("ix_audit_event_action")


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_action", ["action"])
        batch_op.create_index("ix_audit_event_actor_id", ["actor_id"])
        batch_op.drop_index("ix_audit_event_object")
        batch_op.drop_index("ix_audit_event_action_time")
        batch_op.drop_index("ix_audit_event_actor_time")
