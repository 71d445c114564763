"""Applicant sign-in by emailed link, and sign-out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from tracker import clock
from tracker.accounts.users import normalise_email
from tracker.actions import save
from tracker.applicants import login, services
from tracker.applicants.forms import ContinueForm, EmailLinkForm
from tracker.catalogue.queries import find_current_role
from tracker.extensions import limiter

bp = Blueprint("applicants", __name__, url_prefix="/applicant")

_PENDING_TOKEN = "applicant_link_token"  # noqa: S105 - a session key


def _email_key() -> str:
    return "applicant-link:" + normalise_email(request.form.get("email", ""))[:320]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["APPLICANT_LINK_LIMIT_PER_EMAIL"],
    key_func=_email_key,
    methods=["POST"],
)
@limiter.limit(lambda: current_app.config["APPLICANT_LINK_LIMIT_PER_IP"], methods=["POST"])
def sign_in():
    if login.current_applicant() is not None:
        return redirect(url_for("applications.dashboard"))
    role_slug = request.args.get("role")
    role = find_current_role(role_slug[:100], clock.today()) if role_slug else None
    form = EmailLinkForm()
    if form.validate_on_submit():
        save(
            lambda: services.send_sign_in_link(
                email=form.email.data, role_slug=role.slug if role else None
            )
        )
        # The same page whether or not the address has applied before.
        return render_template("applicants/check_email.html", email=form.email.data, role=role)
    return render_template("applicants/sign_in.html", form=form, role=role)


@bp.get("/sign-in/<token>")
def sign_in_link(token: str):
    """Move the token out of the address (history, Referer) into the session, then ask for a
    click: mail scanners that follow links must not spend a single-use link."""
    session[_PENDING_TOKEN] = token[:100]
    return redirect(url_for("applicants.confirm_sign_in"))


@bp.route("/sign-in/continue", methods=["GET", "POST"])
def confirm_sign_in():
    token = session.get(_PENDING_TOKEN) or ""
    email = services.usable_link_email(token) if token else None
    if email is None:
        session.pop(_PENDING_TOKEN, None)
        return render_template("applicants/link_expired.html", form=EmailLinkForm()), 410
    form = ContinueForm()
    if form.validate_on_submit():
        used = services.use_sign_in_link(token)
        if used is None:  # spent or expired meanwhile: nothing was changed
            session.pop(_PENDING_TOKEN, None)
            return render_template("applicants/link_expired.html", form=EmailLinkForm()), 410
        return_to = login.take_return_path()  # read before signing in clears the session
        save(lambda: login.sign_in(used.applicant))
        if return_to:
            return redirect(return_to)
        if used.role_slug and find_current_role(used.role_slug, clock.today()):
            return redirect(url_for("applications.start", slug=used.role_slug))
        return redirect(url_for("applications.dashboard"))
    # Say whose account this is, so nobody is tricked into filling in someone else's.
    return render_template(
        "applicants/confirm_sign_in.html", form=form, email=services.masked(email)
    )


@bp.post("/sign-out")
def sign_out():
    save(login.sign_out)
    flash("You have signed out. Your answers are saved.")
    return redirect(url_for("applicants.sign_in"))
