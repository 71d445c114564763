"""What every page of the task list's sections does at its end: show the section's page, or,
once it is saved, go back to the task list. Shared by section_views.py and
question_views.py."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from tracker.applications.models import Application


def saved(application: Application):
    return redirect(url_for("applications.task_list", application_id=application.id))


def section_page(application: Application, form, template: str, **context):
    return render_template(
        f"applications/sections/{template}.html", application=application, form=form, **context
    )
