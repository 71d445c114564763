"""HR's administration pages: users and their access, the audit log, and the email outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import navigation
from tracker.accounts import services
from tracker.accounts.forms import ConfirmForm
from tracker.accounts.models import StaffRole, User
from tracker.accounts.permissions import Permission, require
from tracker.admin.forms import AccessForm, InviteForm
from tracker.audit import queries as audit_queries
from tracker.catalogue import queries as catalogue_queries
from tracker.catalogue.models import Role, Track
from tracker.clock import today
from tracker.extensions import db, limiter
from tracker.notifications import queries as email_queries
from tracker.notifications import services as email_services
from tracker.notifications.models import Email
from tracker.notifications.rendering import REGISTRY, render_email
from tracker.routing import id_arg, page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _with_choices(form: AccessForm, person: User | None = None) -> AccessForm:
    form.tracks.choices = [(t.id, t.name) for t in catalogue_queries.tracks_in_order()]
    campaign = catalogue_queries.current_campaign(today())
    roles = catalogue_queries.published_roles(campaign) if campaign else []
    # Roles the person already looks after stay on the form (even from an earlier campaign),
    # so saving the form never drops a scope nobody could see.
    held = {s.role_id for s in person.scopes if s.role_id} if person else set()
    extra = db.session.scalars(select(Role).where(Role.id.in_(held - {r.id for r in roles})))
    form.scoped_roles.choices = [(r.id, f"{r.title} (level {r.level})") for r in [*roles, *extra]]
    return form


def _access_from(form: AccessForm) -> services.Access:
    return services.Access(
        roles=frozenset(StaffRole(v) for v in form.roles.data or []),
        track_ids=frozenset(form.tracks.data or []),
        role_ids=frozenset(form.scoped_roles.data or []),
        partner_organisation=form.partner_organisation.data,
    )


def _place_error(form: AccessForm, message: str) -> None:
    if "hiring manager" in message:
        form.tracks.errors = [*form.tracks.errors, message]
    elif "partner" in message:
        form.partner_organisation.errors = [*form.partner_organisation.errors, message]
    elif "email" in message:
        form.email.errors = [*form.email.errors, message]
    else:
        form.roles.errors = [*form.roles.errors, message]


@bp.get("/users")
@require(Permission.MANAGE_USERS)
def users():
    everyone = db.session.scalars(select(User).order_by(User.is_active.desc(), User.name)).all()
    return render_template("admin/users.html", users=everyone)


@bp.route("/users/invite", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
@limiter.limit(
    lambda: current_app.config["INVITATION_LIMIT"],
    methods=["POST"],
    key_func=lambda: f"invite:{current_user.id}",
)
def invite():
    form = _with_choices(InviteForm())
    if form.validate_on_submit():
        try:
            user = services.invite_user(
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                access=_access_from(form),
            )
        except services.AccountError as error:
            db.session.rollback()
            _place_error(form, str(error))
        else:
            db.session.commit()
            flash(f"Invitation sent to {user.email}.")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user(user_id: int):
    person = _user_or_404(user_id)
    form = _with_choices(AccessForm(), person)
    if request.method == "GET":
        form.roles.data = [r.value for r in person.role_set]
        form.tracks.data = [s.track_id for s in person.scopes if s.track_id]
        form.scoped_roles.data = [s.role_id for s in person.scopes if s.role_id]
        if person.partner_organisation:
            form.partner_organisation.data = person.partner_organisation.name
    elif form.validate_on_submit():
        try:
            services.update_access(actor=current_user, user=person, access=_access_from(form))
        except services.AccountError as error:
            db.session.rollback()
            _place_error(form, str(error))
        else:
            db.session.commit()
            flash(f"Access saved for {person.name}.")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template(
        "admin/user.html", person=person, form=form, confirm=ConfirmForm(), roles_by_id=_names()
    )


def _names() -> dict:
    return {
        "tracks": dict(db.session.execute(select(Track.id, Track.name)).all()),
        "roles": dict(db.session.execute(select(Role.id, Role.title)).all()),
    }


@bp.post("/users/<int:user_id>/resend-invitation")
@require(Permission.MANAGE_USERS)
def resend_invitation(user_id: int):
    person = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_invitation(actor=current_user, user=person)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"A new invitation is on its way to {person.email}.")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def deactivate(user_id: int):
    person = _user_or_404(user_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            services.deactivate_user(actor=current_user, user=person)
        except services.AccountError as problem:
            error = str(problem)
        else:
            db.session.commit()
            flash(f"{person.name} can no longer sign in. Their open sessions have ended.")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/deactivate.html", person=person, form=form, error=error)


@bp.post("/users/<int:user_id>/reactivate")
@require(Permission.MANAGE_USERS)
def reactivate(user_id: int):
    person = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.reactivate_user(actor=current_user, user=person)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{person.name} can sign in again.")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/audit")
@require(Permission.READ_AUDIT_LOG)
def audit():
    page = page_arg()
    action = request.args.get("action") or None
    text = (request.args.get("q") or "").strip()[:100] or None
    user_id = id_arg("user")  # 404 for a number no user can have
    events, page, pages, total = audit_queries.audit_page(
        page=page, action=action, text=text, user_id=user_id
    )
    return render_template(
        "admin/audit.html",
        events=events,
        page=page,
        pages=pages,
        total=total,
        action=action,
        q=text or "",
        user=db.session.get(User, user_id) if user_id else None,
        actions=audit_queries.known_actions(),
    )


@bp.get("/emails")
@require(Permission.MANAGE_EMAILS)
def emails():
    address = (request.args.get("address") or "").strip()[:320]
    return render_template(
        "admin/emails.html",
        counts=email_queries.count_by_status(),
        failed=email_queries.failed_emails(),
        uncertain=email_queries.uncertain_emails(),
        uncertain_count=email_queries.count_uncertain(),
        stalled=email_queries.stalled_pending(),
        address=address,
        sent_to=email_queries.emails_to(address) if address else None,
        confirm=ConfirmForm(),
    )


@bp.post("/emails/<int:email_id>/retry")
@require(Permission.MANAGE_EMAILS)
def retry_email(email_id: int):
    email = db.session.get(Email, email_id)
    if email is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            email_services.retry_email(actor=current_user.email, email=email)
        except email_services.NotRetryable as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Email {email.id} to {email.recipient} will be tried again.")
    return redirect(url_for("admin.emails"))


@bp.get("/email-templates")
@require(Permission.MANAGE_EMAILS)
def email_templates():
    templates = sorted(REGISTRY.values(), key=lambda t: t.name)
    return render_template("admin/email_templates.html", templates=templates)


@bp.get("/email-templates/<name>")
@require(Permission.MANAGE_EMAILS)
def email_template(name: str):
    template = REGISTRY.get(name)
    if template is None:
        abort(404)
    rendered = render_email(name, template.example())
    return render_template("admin/email_template.html", template=template, rendered=rendered)


@bp.get("")
@require(Permission.VIEW_STAFF_PAGES)
def index():
    """The header's "Admin": the administration pages this user may open.

    :raise 403: when they may open none of them.
    """
    pages = [
        {"text": item.text, "hint": item.hint, "endpoint": navigation.endpoint_of(item)}
        for item in navigation.items_for(current_user, navigation.ADMIN_PAGES)
    ]
    if not pages:
        abort(403, description="needs permission to administer the service")
    return render_template("admin/index.html", pages=pages)
