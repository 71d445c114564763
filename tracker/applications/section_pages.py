"""What every page of the task list's sections does at its end: show the section's page, or,
once it is saved, go back to the task list. Shared by section_views.py and
question_views.py."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from sqlalchemy import inspect

from tracker.applications.models import Application


def saved(application: Application):
    # The id from the identity map: the save's commit expired the row, and reading
    # ``application.id`` would load all of it again just to build this address.
    (application_id,) = inspect(application).identity
    return redirect(url_for("applications.task_list", application_id=application_id))


def section_page(application: Application, form, template: str, **context):
    return render_template(
        f"applications/sections/{template}.html", application=application, form=form, **context
    )
