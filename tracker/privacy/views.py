"""HR's data requests (/staff/data-requests) and retention (/staff/retention), and an
applicant's own data download (/applications/your-data)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.accounts.permissions import Permission, require
from tracker.actions import add_error, attempt, save, scoped_or_404
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applicants.models import Applicant
from tracker.applicants.services import applicant_label
from tracker.applications.states import STAFF_LABELS
from tracker.audit.services import record_event
from tracker.catalogue.models import Campaign
from tracker.clock import today
from tracker.extensions import db
from tracker.privacy import export, queries, services
from tracker.privacy.forms import ConfirmForm, EraseForm, FindApplicantForm

bp = Blueprint("privacy", __name__)


def _zip(applicant: Applicant, filename: str) -> Response:
    response = Response(export.build_zip(applicant), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# HR: subject access requests and erasure ------------------------------------------------


@bp.route("/staff/data-requests", methods=["GET", "POST"])
@require(Permission.MANAGE_PERSONAL_DATA)
def data_requests():
    # Searched by POST, so an address never sits in a URL, a log or the browser's history.
    form = FindApplicantForm()
    if form.validate_on_submit():
        found = services.find_applicant(form.email.data)
        if found is not None:
            return redirect(url_for("privacy.applicant", applicant_id=found.id))
        add_error(
            form,
            "No applicant has used this email address, or their data has already been removed",
            "email",
        )
    return render_template("privacy/data_requests.html", form=form)


def _applicant(applicant_id: int, *, lock: bool = False) -> Applicant:
    """An applicant whose data is still here (HR's scope is every applicant)."""
    return scoped_or_404(
        select(Applicant).where(Applicant.id == applicant_id, Applicant.anonymised_at.is_(None)),
        lock=lock,
    )


@bp.get("/staff/data-requests/<int:applicant_id>")
@require(Permission.MANAGE_PERSONAL_DATA)
def applicant(applicant_id: int):
    found = _applicant(applicant_id)
    return render_template(
        "privacy/applicant.html",
        applicant=found,
        applications=queries.applications_of(found),
        stage_labels=STAFF_LABELS,
        form=ConfirmForm(),
    )


def _audit_export(applicant: Applicant) -> None:
    record_event(
        actor=current_user,
        action="privacy.subject_access_export",
        object_type="applicant",
        object_id=applicant.id,
    )


@bp.post("/staff/data-requests/<int:applicant_id>/export")
@require(Permission.MANAGE_PERSONAL_DATA)
def export_data(applicant_id: int):
    found = _applicant(applicant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # On the record before a byte of it leaves.
    save(lambda: _audit_export(found))
    return _zip(found, f"subject-access-{found.id}-{today().isoformat()}.zip")


@bp.route("/staff/data-requests/<int:applicant_id>/erase", methods=["GET", "POST"])
@require(Permission.MANAGE_PERSONAL_DATA)
def erase(applicant_id: int):
    found = _applicant(applicant_id, lock=request.method == "POST")
    form = EraseForm()
    if form.validate_on_submit():
        outcome = attempt(
            form, lambda: services.erase_applicant(actor=current_user, applicant=found)
        )
        if outcome:
            erased = outcome.value
            flash(
                f"Applicant erased: their {erased} application{'s' if erased != 1 else ''}, "
                "files and emails are gone. The audit log records that you did it."
            )
            return redirect(url_for("privacy.data_requests"))
    return render_template(
        "privacy/erase.html",
        applicant=found,
        preview=queries.erasure(found),
        stage_labels=STAFF_LABELS,
        form=form,
    )


# HR: retention ---------------------------------------------------------------------------


@bp.route("/staff/retention", methods=["GET", "POST"])
@require(Permission.MANAGE_PERSONAL_DATA)
def retention():
    form = ConfirmForm()
    preview = services.run_retention(today=today(), dry_run=True, actor_label="preview")
    if form.validate_on_submit():
        if not preview.applications:
            add_error(form, "No applications are due to be anonymised today")
        else:
            outcome = attempt(
                form,
                lambda: services.run_retention(
                    today=today(), dry_run=False, actor_label=current_user.email
                ),
            )
            if outcome:
                result = outcome.value
                flash(
                    f"Anonymised {len(result.applications)} application"
                    f"{'s' if len(result.applications) != 1 else ''} and removed the email "
                    f"address of {result.applicants} applicant"
                    f"{'s' if result.applicants != 1 else ''}."
                )
                return redirect(url_for("privacy.retention"))
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.closes_on.desc())))
    return render_template(
        "privacy/retention.html",
        campaigns=[(c, services.retention_ends_on(c)) for c in campaigns],
        preview=preview,
        stage_labels=STAFF_LABELS,
        form=form,
    )


# Applicants: their own data ---------------------------------------------------------------


@bp.get("/applications/your-data")
@applicant_required
def own_data():
    return render_template("privacy/own_data.html")


@bp.get("/applications/your-data/download")
@applicant_required
def own_data_download():
    applicant = current_applicant()
    save(
        lambda: record_event(
            actor=None,
            actor_label=applicant_label(applicant),
            action="privacy.own_data_downloaded",
            object_type="applicant",
            object_id=applicant.id,
        )
    )
    return _zip(applicant, f"your-data-{today().isoformat()}.zip")
