"""Reliability: two people in HR adding the same organisation at the same moment, spelt
differently ("Acme Training" and "acme  TRAINING"), make one organisation, not two; the
other is told it exists. Each runs in their own transaction on a committed database: both
may pass the service's check, and then the unique index on the name key decides (no lock)."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory

# A committed database of this module's own (tests/notifications/conftest.py).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
)
from tracker.accounts.models import PartnerOrganisation, StaffRole, User
from tracker.extensions import db
from tracker.partners import organisations


@pytest.mark.slow  # threads
def test_two_spellings_of_one_new_organisation_at_once_make_one(mail_app):  # noqa: F811
    token = uuid.uuid4().hex[:6]
    with mail_app.app_context():
        people = [UserFactory(roles=[StaffRole.ADMIN]) for _ in range(2)]
        db.session.commit()
        ids = [person.id for person in people]
        db.session.remove()
    names = [f"Acme Training {token}", f"  acme   TRAINING {token.upper()} "]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(user_id: int, name: str) -> None:
        with mail_app.app_context():
            actor = db.session.get(User, user_id)
            barrier.wait()
            try:
                organisations.create_organisation(actor=actor, name=name)
                db.session.commit()
                outcomes.append("created")
            except organisations.OrganisationError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=add, args=pair) for pair in zip(ids, names, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[1] == "created" and len(outcomes) == 2
    assert sorted(outcomes)[0].startswith("There is already a partner organisation called ")
    with mail_app.app_context():
        made = db.session.scalar(
            select(func.count(PartnerOrganisation.id)).where(
                func.lower(PartnerOrganisation.name).like(f"%{token}%")
            )
        )
        db.session.remove()
    assert made == 1
