"""partner organisations: a name key with a unique index, so that two spellings of one
name ("Acme Ltd", "ACME  ltd") cannot make two organisations on any database

The key (the name without spaces, casefolded) is worked out here in Python, as the model
does, rather than with a database function: SQLite has no regexp_replace. An organisation
whose key an older one already holds (made before names were checked) keeps a key of its
own, suffixed with its id, so the upgrade never fails on old data nor merges organisations.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_organisation = sa.table(
    "partner_organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
)


def _key(name: str) -> str:
    # The model's organisation_name_key, copied: a migration must not change when app code does.
    return "".join(name.split()).casefold()


def upgrade():
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=600), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_organisation.c.id, _organisation.c.name).order_by(_organisation.c.id)
    ).all()
    taken: set[str] = set()
    for row in rows:
        key = _key(row.name)
        if key in taken:
            key = f"{key}#{row.id}"
        taken.add(key)
        connection.execute(
            _organisation.update().where(_organisation.c.id == row.id).values(name_key=key)
        )

    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=600), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_partner_organisation_name_key"), ["name_key"], unique=True
        )


def downgrade():
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_organisation_name_key"))
        batch_op.drop_column("name_key")
