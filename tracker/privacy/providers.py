"""The packages that hold personal data, each through its personal_data.py (described in
tracker.data_subject), as create_app found them in the manifest; and the data subject an
applicant is. Privacy orchestrates them: it knows whose data, not where it lives."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app
from sqlalchemy import select

from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.data_subject import Subject
from tracker.extensions import db

HOOKS = (
    "export_subject",
    "export_application",
    "export_files",
    "anonymise_applications",
    "anonymise_subject",
    "erase",
    "erasure_counts",
)


def each(hook: str, *, top_down: bool = False) -> list[Callable]:
    """That function of every package that has it: from the base up (the manifest's order),
    or from the top down, so that a package still finds the lower rows its own rows hang off
    (a booking's application) when it takes them out."""
    if hook not in HOOKS:
        raise ValueError(f"personal_data.py has no {hook!r}: it is one of {', '.join(HOOKS)}")
    modules = current_app.extensions["personal_data"]
    ordered = reversed(modules) if top_down else modules
    return [getattr(module, hook) for module in ordered if hasattr(module, hook)]


def subject_of(applicant: Applicant, *, application_ids: Sequence[int] | None = None) -> Subject:
    """The applicant, with every application of theirs (or those given)."""
    if application_ids is None:
        application_ids = db.session.scalars(
            select(Application.id)
            .where(Application.applicant_id == applicant.id)
            .order_by(Application.id)
        ).all()
    return Subject(applicant.id, applicant.email, tuple(application_ids))
