"""application counts: a tally kept by triggers, and indexes for the candidate list's sorts

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 23:00:00

The staff pages' stage counts are read from ``application_count`` (tracker/applications/
counts.py) instead of counting the application table. Every change to an application's row
that moves it between counted groups appends a -1 and a +1 there, from a trigger, so no path
(the pipeline, bulk moves, erasure, anonymisation, cascades, raw SQL) can forget it; rows are
only ever inserted, so concurrent changes never wait on one another. A periodic job folds the
rows into one per group.

SQLite (``make run``) gets the same triggers in its own dialect. A later migration that
rebuilds the application table on SQLite (batch mode) drops them and must create them again
(``create_sqlite_triggers`` below).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
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
    name="application_status",
    create_type=False,
)

# The group an application row is counted in: what the staff pages count by.
GROUP = (
    "role_id",
    "status",
    "since_on",
    "needs_hr_check",
    "disability_confident",
    "needs_adjustments",
)

PG_FUNCTION = """
CREATE FUNCTION application_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status <> 'draft' THEN
        INSERT INTO application_count (role_id, status, since_on, needs_hr_check,
                                       disability_confident, needs_adjustments, delta)
        VALUES (OLD.role_id, OLD.status,
                (coalesce(OLD.status_changed_at, OLD.submitted_at) AT TIME ZONE 'UTC')::date,
                coalesce(OLD.needs_hr_check, false), coalesce(OLD.disability_confident, false),
                coalesce(OLD.needs_adjustments, false), -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status <> 'draft' THEN
        INSERT INTO application_count (role_id, status, since_on, needs_hr_check,
                                       disability_confident, needs_adjustments, delta)
        VALUES (NEW.role_id, NEW.status,
                (coalesce(NEW.status_changed_at, NEW.submitted_at) AT TIME ZONE 'UTC')::date,
                coalesce(NEW.needs_hr_check, false), coalesce(NEW.disability_confident, false),
                coalesce(NEW.needs_adjustments, false), 1);
    END IF;
    RETURN NULL;
END
$$
"""


def _pg_group(row: str) -> str:
    return (
        f"({row}.role_id, {row}.status, "
        f"(coalesce({row}.status_changed_at, {row}.submitted_at) AT TIME ZONE 'UTC')::date, "
        f"coalesce({row}.needs_hr_check, false), coalesce({row}.disability_confident, false), "
        f"coalesce({row}.needs_adjustments, false))"
    )


PG_TRIGGERS = (
    "CREATE TRIGGER application_count_insert_delete AFTER INSERT OR DELETE ON application "
    "FOR EACH ROW EXECUTE FUNCTION application_count_follow()",
    # Only when the row moves between groups: a section save or a score changes nothing here.
    "CREATE TRIGGER application_count_update AFTER UPDATE ON application FOR EACH ROW "
    f"WHEN ({_pg_group('OLD')} IS DISTINCT FROM {_pg_group('NEW')}) "
    "EXECUTE FUNCTION application_count_follow()",
)


LIST_SORTS = {
    "oldest": "submitted_at, id",
    "waiting": "coalesce(status_changed_at, submitted_at), id",
    "score": "(-coalesce(score_average, 0)), submitted_at, id",
    "preference": "preference, submitted_at, id",
}
UNRANKED_LAST = (
    "(CASE WHEN (status IN ('offer_declined', 'unsuccessful', 'withdrawn')) THEN 1 ELSE 0 END)"
)
LIST_INDEXES = [
    f"CREATE INDEX ix_application_list_{name} ON application (role_id, "
    f"{UNRANKED_LAST + ', ' if name == 'preference' else ''}{keys})"
    for name, keys in LIST_SORTS.items()
] + [
    f"CREATE INDEX ix_application_list_stage_{name} ON application (role_id, status, {keys})"
    for name, keys in LIST_SORTS.items()
]


def _sqlite_insert(row: str, delta: int) -> str:
    return (
        "INSERT INTO application_count (role_id, status, since_on, needs_hr_check, "
        "disability_confident, needs_adjustments, delta) "
        f"SELECT {row}.role_id, {row}.status, "
        f"date(coalesce({row}.status_changed_at, {row}.submitted_at)), "
        f"coalesce({row}.needs_hr_check, 0), coalesce({row}.disability_confident, 0), "
        f"coalesce({row}.needs_adjustments, 0), {delta} WHERE {row}.status <> 'draft';"
    )


SQLITE_TRIGGERS = (
    f"CREATE TRIGGER application_count_insert AFTER INSERT ON application "
    f"BEGIN {_sqlite_insert('NEW', 1)} END",
    f"CREATE TRIGGER application_count_delete AFTER DELETE ON application "
    f"BEGIN {_sqlite_insert('OLD', -1)} END",
    "CREATE TRIGGER application_count_update AFTER UPDATE OF role_id, status, "
    "status_changed_at, submitted_at, needs_hr_check, disability_confident, needs_adjustments "
    f"ON application BEGIN {_sqlite_insert('OLD', -1)} {_sqlite_insert('NEW', 1)} END",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade():
    op.create_table(
        "application_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("since_on", sa.Date(), nullable=False),
        sa.Column("needs_hr_check", sa.Boolean(), nullable=False),
        sa.Column("disability_confident", sa.Boolean(), nullable=False),
        sa.Column("needs_adjustments", sa.Boolean(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_count")),
    )
    op.create_index("ix_application_count_role_id", "application_count", ["role_id"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        create_sqlite_triggers()
    # What is there already, counted once.
    columns = ", ".join(GROUP)
    since = "coalesce(status_changed_at, submitted_at)"
    since_on = (
        f"({since} AT TIME ZONE 'UTC')::date"
        if bind.dialect.name == "postgresql"
        else (f"date({since})")
    )
    op.execute(
        f"INSERT INTO application_count ({columns}, delta) "  # noqa: S608 (constants)
        f"SELECT role_id, status, {since_on}, coalesce(needs_hr_check, false), "
        "coalesce(disability_confident, false), coalesce(needs_adjustments, false), count(*) "
        "FROM application WHERE status <> 'draft' GROUP BY 1, 2, 3, 4, 5, 6"
    )
    # Every sort the candidate list offers, within a role, with and without a stage chosen
    # (the expressions are tracker/applications/models.py's LIST_SORTS, as the planner must
    # see them); they replace the two narrower indexes the list had.
    for statement in LIST_INDEXES:
        op.execute(statement)
    op.execute(
        "CREATE INDEX ix_application_in_stage_since ON application "
        "(coalesce(status_changed_at, submitted_at))"
    )
    op.drop_index("ix_application_role_status_submitted", table_name="application")
    op.drop_index("ix_application_role_status_score", table_name="application")


def downgrade():
    op.create_index(
        "ix_application_role_status_submitted", "application", ["role_id", "status", "submitted_at"]
    )
    op.create_index(
        "ix_application_role_status_score", "application", ["role_id", "status", "score_average"]
    )
    op.drop_index("ix_application_in_stage_since", table_name="application")
    for name in LIST_SORTS:
        op.drop_index(f"ix_application_list_{name}", table_name="application")
        op.drop_index(f"ix_application_list_stage_{name}", table_name="application")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER application_count_update ON application")
        op.execute("DROP TRIGGER application_count_insert_delete ON application")
        op.execute("DROP FUNCTION application_count_follow()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER application_count_{name}")
    op.drop_index("ix_application_count_role_id", table_name="application_count")
    op.drop_table("application_count")
