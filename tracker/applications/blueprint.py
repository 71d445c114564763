"""The applicant journey's blueprint and the lookups every one of its views shares."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from tracker.actions import save, scoped_or_404
from tracker.applicants import kept
from tracker.applicants.login import current_applicant
from tracker.applications.models import Application
from tracker.applications.queries import own_applications

bp = Blueprint("applications", __name__)

KEPT_MESSAGE = (
    "You were signed out before your answers were saved. We kept what you typed: check it "
    "and select the button to save it."
)


def own(application_id: int) -> Application:
    """:raise 404: unless the signed-in applicant made this application.

    A change (a POST) locks the row first, so that it waits for a submission in another tab
    and then sees it, rather than editing or deleting an application already sent.
    """
    return scoped_or_404(
        own_applications(current_applicant()).where(Application.id == application_id),
        lock=request.method == "POST",
    )


def own_draft(application_id: int):
    """(the applicant's own draft, None), or (their submitted application, a redirect to its
    copy): a submitted application is no longer edited."""
    application = own(application_id)
    if not application.is_draft:
        return application, redirect(url_for("applications.view", application_id=application.id))
    return application, None


def form_for(form_class, *args, **kwargs):
    """The page's form; on a GET after a session ended mid-form, filled with what was typed
    then (kept by ``applicant_required``), so that nothing has to be typed again."""
    if not kept.waiting():
        # Never commit here on a POST: it would let go of the row lock ``own`` took. Nor on a
        # GET with nothing kept: a commit would cost a round trip and reload every row.
        return form_class(*args, **kwargs)
    typed = save(lambda: kept.take(applicant=current_applicant(), path=request.path))
    if typed is None:
        return form_class(*args, **kwargs)
    flash(KEPT_MESSAGE)
    kwargs.pop("data", None)
    return form_class(*args, formdata=MultiDict(typed), **kwargs)
