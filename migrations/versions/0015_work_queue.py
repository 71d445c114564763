"""work queue: reminders to book (once per application and stage), and when each user last
looked at new partner feedback

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:30:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

_VALUES = (
    "draft",
    "submitted",
    "sift",
    "assessment",
    "interview",
    "offer",
    "pre_employment_checks",
    "hired",
    "unsuccessful",
    "withdrawn",
    "offer_declined",
)
# The type exists already (0004 made it for application.status): reuse it, never recreate it.
STATUS = sa.Enum(*_VALUES, name="application_status").with_variant(
    postgresql.ENUM(*_VALUES, name="application_status", create_type=False), "postgresql"
)

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booking_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_booking_reminder_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["staff_user.id"],
            name=op.f("fk_booking_reminder_sent_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_reminder")),
        sa.UniqueConstraint(
            "application_id", "status", name=op.f("uq_booking_reminder_application_id_status")
        ),
    )
    with op.batch_alter_table("booking_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_reminder_application_id"), ["application_id"], unique=False
        )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("partner_feedback_seen_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("partner_feedback_seen_at")
    with op.batch_alter_table("booking_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_reminder_application_id"))
    op.drop_table("booking_reminder")
