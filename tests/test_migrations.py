"""The schema comes from migrations alone: one head, upgrade from empty, models match."""

from __future__ import annotations

import uuid
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import SAWarning

from tests import services
from tracker import create_app
from tracker.extensions import db


def test_the_migrations_have_exactly_one_head(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    assert len(script.get_heads()) == 1


def test_the_migrated_schema_matches_the_models(app):
    # Inside the test's transaction the default bind is a live connection.
    connection = db.engines[None]
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": _comparable,
        },
    )
    differences = compare_metadata(context, db.metadata)

    assert differences == []


# PostgreSQL gives back an index's expressions in its own words (a CASE's IN as = ANY
# (ARRAY[...]), a negation with its casts), which Alembic cannot match with the model's;
# tests/screening/test_list_indexes.py checks that the planner uses them instead.
NOT_COMPARABLE = {
    "ix_application_list_preference",
    "ix_application_list_score",
    "ix_application_list_stage_score",
}


def _comparable(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in NOT_COMPARABLE)


@pytest.mark.slow  # every migration
def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again():
    name = f"tracker_migrations_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    try:
        scratch = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with scratch.app_context():
            upgrade()
            downgrade(revision="base")
            db.engine.dispose()
            engine = create_engine(url)
            assert set(inspect(engine).get_table_names()) == {"alembic_version"}
            engine.dispose()
            upgrade()
            db.engine.dispose()
    finally:
        services.drop_database(name)


def test_the_migrations_also_build_the_sqlite_database_make_run_uses(tmp_path):
    url = f"sqlite:///{tmp_path / 'local.sqlite3'}"
    local = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with local.app_context():
        upgrade()
        with db.engine.connect() as connection, warnings.catch_warnings():
            # SQLite's reflection leaves out indexes on expressions, with a warning; the
            # comparison then leaves them out too (_comparable).
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
            )
            warnings.filterwarnings(
                "ignore", "autogenerate skipping metadata-specified expression-based index"
            )
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": _comparable}
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()

    assert differences == []


def test_0020_gives_existing_organisations_their_name_key(tmp_path):
    """Organisations made before the key existed get it from their name; one whose key an
    older organisation holds (made before names were checked) keeps a key of its own."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    local = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with local.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO partner_organisation (id, name) VALUES "
                    "(1, 'Acme  Training'), (2, 'ACME training'), (3, 'Bolt Skills')"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            keys = connection.execute(
                text("SELECT id, name_key FROM partner_organisation ORDER BY id")
            ).all()
        db.engine.dispose()

    assert [tuple(row) for row in keys] == [
        (1, "acmetraining"),
        (2, "acmetraining#2"),
        (3, "boltskills"),
    ]
