"""close up applicants' rankings: applications out of the running sink below the live ones

Until now a withdrawn or unsuccessful application kept its rank, so staff read "Choice 2" for
an applicant's first live choice. The service now closes the ranks up on every such move
(tracker/applications/ranking.py); this renumbers the rankings made before it, in the same
order: live applications in the applicant's order, then the others.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# As in tracker.applications.states.UNRANKED, written out: a migration must not change meaning
# when the code does.
_UNRANKED = ("unsuccessful", "withdrawn", "offer_declined")


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT application.id, application.applicant_id, role.campaign_id, "
            "application.status, application.preference "
            "FROM application JOIN role ON role.id = application.role_id"
        )
    ).all()
    rankings: dict[tuple[int, int], list] = {}
    for row in rows:
        rankings.setdefault((row.applicant_id, row.campaign_id), []).append(row)
    update = sa.text("UPDATE application SET preference = :preference WHERE id = :id")
    for ranking in rankings.values():
        ordered = sorted(ranking, key=lambda r: (r.status in _UNRANKED, r.preference, r.id))
        for position, row in enumerate(ordered, start=1):
            if row.preference != position:
                connection.execute(update, {"preference": position, "id": row.id})


def downgrade():
    # The old numbers are not kept; the new ones are a valid ranking under the old code too.
    pass
