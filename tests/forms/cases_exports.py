"""Export forms with a mistake in each (tests/forms/harness.py). Choosing and downloading a
shortlist is a GET form, whose mistakes tests/exports/test_bad_input.py and test_filters.py
check show the same error pattern; saving and renaming a template are POSTs, listed here."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.exports.models import ExportTemplate
from tracker.extensions import db

NEW = "/staff/exports/templates/new"


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _manager():
    return UserFactory(roles=[StaffRole.HIRING_MANAGER])


def _templates(arranged) -> list[tuple]:
    return list(
        db.session.execute(
            select(ExportTemplate.name, ExportTemplate.columns).order_by(ExportTemplate.id)
        ).tuples()
    )


def _own_template(user, name="Weekly sift") -> dict:
    template = ExportTemplate(
        user_id=user.id,
        name=name,
        columns=["reference", "stage"],
        created_at=clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    db.session.add(template)
    db.session.flush()
    return {"url": f"/staff/exports/templates/{template.id}", "template": template.id}


def _two_templates(user) -> dict:
    _own_template(user, "Panel list")
    return _own_template(user)


CASES: list[InvalidPost] = [
    InvalidPost(
        name="exports-template-without-a-name",
        endpoint="exports.new_template",
        user=_hr,
        arrange=lambda user: {"url": NEW},
        data=lambda a: {"name": "  ", "columns": ["reference", "stage"]},
        field="name",
        message="Enter a name for the template",
        state=_templates,
    ),
    InvalidPost(
        name="exports-template-name-too-long",
        endpoint="exports.new_template",
        user=_hr,
        arrange=lambda user: {"url": NEW},
        data=lambda a: {"name": "x" * 81, "columns": ["reference"]},
        field="name",
        message="The name must be 80 characters or fewer",
        state=_templates,
    ),
    InvalidPost(
        name="exports-template-with-a-column-outside-the-managers-scope",
        endpoint="exports.new_template",
        user=_manager,
        arrange=lambda user: {"url": NEW},
        data=lambda a: {"name": "Adjustments", "columns": ["reference", "adjustments"]},
        field="columns",
        message="only HR can see the adjustments candidates ask for",
        state=_templates,
    ),
    InvalidPost(
        name="exports-template-with-no-columns",
        endpoint="exports.new_template",
        user=_hr,
        arrange=lambda user: {"url": NEW},
        data=lambda a: {"name": "Nothing"},
        field="columns",
        message="Select at least one column to export",
        state=_templates,
    ),
    InvalidPost(
        name="exports-template-renamed-to-nothing",
        endpoint="exports.template",
        user=_hr,
        arrange=_own_template,
        data=lambda a: {"name": ""},
        field="name",
        message="Enter a name for the template",
        state=_templates,
    ),
    InvalidPost(
        name="exports-template-renamed-to-a-name-in-use",
        endpoint="exports.template",
        user=_manager,
        arrange=_two_templates,
        data=lambda a: {"name": "Panel list"},
        field="name",
        message="You already have a template called",
        state=_templates,
    ),
]

EXEMPT: dict[str, str] = {
    "exports.delete_template": "a Delete button with nothing to fill in; another user's "
    "template is not found (404)",
}
