"""screening: each application's average score and reviewer count; staff's saved list views

The pipeline list sorts and filters by score, so the average of the submitted scorecards'
scores and how many reviewers gave them live on the application row (kept by
screening.scorecards.submit_scorecard); this fills them in for scorecards submitted before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score_average", sa.Numeric(3, 2), nullable=True))
        batch_op.add_column(
            sa.Column("score_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_application_role_status_score",
            ["role_id", "status", "score_average"],
            unique=False,
        )
    # Every reviewer scores every criterion, so the mean of all the scores is the mean of the
    # per-criterion averages the candidate page shows.
    op.execute(
        """
        UPDATE application SET
          score_average = (
            SELECT ROUND(AVG(scorecard_score.score), 2)
            FROM scorecard JOIN scorecard_score ON scorecard_score.scorecard_id = scorecard.id
            WHERE scorecard.application_id = application.id
              AND scorecard.submitted_at IS NOT NULL
          ),
          score_count = (
            SELECT COUNT(*) FROM scorecard
            WHERE scorecard.application_id = application.id
              AND scorecard.submitted_at IS NOT NULL
          )
        WHERE EXISTS (
          SELECT 1 FROM scorecard
          WHERE scorecard.application_id = application.id AND scorecard.submitted_at IS NOT NULL
        )
        """
    )
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"], ["role.id"], name=op.f("fk_saved_view_role_id_role"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_saved_view_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_view_user_id_name")),
    )
    with op.batch_alter_table("saved_view", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_view_role_id"), ["role_id"], unique=False)


def downgrade():
    with op.batch_alter_table("saved_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_view_role_id"))
    op.drop_table("saved_view")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_role_status_score")
        batch_op.drop_column("score_count")
        batch_op.drop_column("score_average")
