"""Report forms with a mistake in each (tests/forms/harness.py). Campaigns and groupings are
chosen with links and GET forms, and CSV files downloaded with GET (each download audited);
the one POST is the equality report's area population file, and removing it."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.factories import UserFactory
from tests.forms.harness import InvalidPost
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.reports.population_models import PopulationFigures

POPULATION = "/staff/reports/equality/population"


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _figures(arranged) -> list[tuple]:
    return list(
        db.session.execute(
            select(PopulationFigures.id, PopulationFigures.shares).order_by(PopulationFigures.id)
        ).tuples()
    )


def _file(text: str) -> dict:
    return {"file": (io.BytesIO(text.encode()), "population.csv")}


CASES: list[InvalidPost] = [
    InvalidPost(
        name="population-file-not-chosen",
        endpoint="reports.population",
        user=_hr,
        arrange=lambda user: {"url": POPULATION},
        data=lambda a: {},
        field="file",
        message="Select a CSV file of the area's population",
        state=_figures,
    ),
    InvalidPost(
        name="population-file-with-an-unknown-answer",
        endpoint="reports.population",
        user=_hr,
        arrange=lambda user: {"url": POPULATION},
        data=lambda a: _file("measure,answer,percent\nsex,female,51\nsex,woman,49\n"),
        field="file",
        message="Line 3: unknown answer “woman” for Sex",
        state=_figures,
    ),
]

EXEMPT: dict[str, str] = {
    "reports.remove_population": "a Remove button on a confirmation page, with nothing to "
    "fill in (tests/reports/test_population_pages.py)",
}
