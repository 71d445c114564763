"""The reports hold no one's personal data, but read some: before retention blanks an
application's date of birth, the equality report's age band is kept in its place (see
tracker.data_subject for what each function is for)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.applications.models import Application
from tracker.extensions import db
from tracker.reports import age_bands

PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {}


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    """Keep the coarse band the equality report counts each in (age on the campaign's closing
    date), so the report reads the same afterwards. The band alone, of five, points at no one.
    Runs before tracker.applications blanks the date (privacy goes from the top down)."""
    dated = select(Application).where(
        Application.id.in_(application_ids), Application.date_of_birth.is_not(None)
    )
    for application in list(db.session.scalars(dated)):
        application.age_band = age_bands.band(
            application.date_of_birth, application.role.campaign.closes_on
        )
