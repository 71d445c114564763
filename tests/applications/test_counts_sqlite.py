"""The stage counts on SQLite (`make run`): the migration's triggers count inserts, moves
and deletions, fold keeps the sums, and the staff pages read them."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import delete, select, update

from tests.screening.bulk_rows import add_applications
from tracker import clock, create_app
from tracker.applications import counts
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db


def test_the_counts_keep_in_step_on_sqlite(tmp_path):
    local = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite3'}"})
    with local.app_context():
        upgrade()
        path = local.config["CATALOGUE_FILE"]
        load_catalogue(
            document=parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
        )
        role_ids = list(db.session.scalars(select(Role.id)))
        add_applications(300, role_ids[:3], seed=5)
        db.session.execute(
            update(Application)
            .where(Application.status == Status.SUBMITTED)
            .values(status=Status.SIFT, status_changed_at=clock.utcnow())
        )
        db.session.execute(delete(Application).where(Application.role_id == role_ids[0]))
        days = local.config["WAITING_DAYS"]

        assert counts.drift(days) == []
        counts.fold(days)
        assert counts.drift(days) == []
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
