"""Events made directly, at chosen times, for the audit log's pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker.audit.services import record_event
from tracker.extensions import db


@pytest.fixture
def event():
    def make(action, *, actor=None, label=None, at=None, **fields):
        made = record_event(actor=actor, actor_label=label, action=action, **fields)
        if at is not None:
            made.occurred_at = at
        db.session.flush()
        return made

    return make


@pytest.fixture
def hr(hr, sign_in):
    """The root conftest's HR, as Priya Shah and signed in (their own sign-in events are in
    the log, at the time of the test)."""
    hr.name = "Priya Shah"
    db.session.flush()
    sign_in(hr)
    return hr


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
