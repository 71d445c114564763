"""HR's administration pages: users and their access, and the email outbox (the audit log
is tracker/audit_log/views.py)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import navigation
from tracker.accounts import access as access_verbs
from tracker.accounts.forms import ConfirmForm
from tracker.accounts.models import PartnerOrganisation, StaffRole, User
from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt, scoped_or_404
from tracker.admin import queries
from tracker.admin.forms import AccessForm, InviteForm
from tracker.catalogue import queries as catalogue_queries
from tracker.catalogue.models import Role, Track
from tracker.clock import today
from tracker.extensions import db, limiter
from tracker.notifications import queries as email_queries
from tracker.notifications import services as email_services
from tracker.notifications.models import Email
from tracker.notifications.rendering import REGISTRY, render_email
from tracker.partners import queries as partner_queries
from tracker.routing import id_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int, *, lock: bool = False) -> User:
    # Every user is in an administrator's scope (MANAGE_USERS); the lock makes two HR
    # people changing one account take turns.
    return scoped_or_404(select(User).where(User.id == user_id), lock=lock)


def _with_choices(form: AccessForm, person: User | None = None) -> AccessForm:
    form.tracks.choices = [(t.id, t.name) for t in catalogue_queries.tracks_in_order()]
    campaign = catalogue_queries.current_campaign(today())
    roles = catalogue_queries.published_roles(campaign) if campaign else []
    # Roles the person already looks after stay on the form (even from an earlier campaign),
    # so saving the form never drops a scope nobody could see.
    held = {s.role_id for s in person.scopes if s.role_id} if person else set()
    extra = db.session.scalars(select(Role).where(Role.id.in_(held - {r.id for r in roles})))
    form.scoped_roles.choices = [(r.id, f"{r.title} (level {r.level})") for r in [*roles, *extra]]
    form.partner_organisation.choices = [(0, "Choose an organisation")] + [
        (o.id, o.name) for o in partner_queries.organisations()
    ]
    return form


def _access_from(form: AccessForm) -> access_verbs.Access:
    return access_verbs.Access(
        roles=frozenset(StaffRole(v) for v in form.roles.data or []),
        track_ids=frozenset(form.tracks.data or []),
        role_ids=frozenset(form.scoped_roles.data or []),
        partner_organisation_id=form.partner_organisation.data or None,
    )


def _new_organisation_href() -> str | None:
    """Where HR adds an organisation to the list (the partners package's page)."""
    if "partners.new_organisation" not in current_app.view_functions:
        return None
    return url_for("partners.new_organisation")


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
    if request.method == "GET":
        # Arriving from an organisation's page ("Invite a user"): that organisation, chosen.
        chosen = id_arg("organisation")
        if chosen and db.session.get(PartnerOrganisation, chosen):
            form.partner_organisation.data = chosen
            form.roles.data = [StaffRole.PARTNER.value]
    elif form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: access_verbs.invite_user(
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                access=_access_from(form),
            ),
        )
        if outcome:
            flash(f"Invitation sent to {outcome.value.email}.")
            return redirect(url_for("admin.user", user_id=outcome.value.id))
    return render_template(
        "admin/invite.html", form=form, new_organisation_href=_new_organisation_href()
    )


def _user_page(person: User, form: AccessForm, confirm: ConfirmForm | None = None):
    return render_template(
        "admin/user.html",
        person=person,
        form=form,
        confirm=confirm or ConfirmForm(),
        roles_by_id=_names(),
        new_organisation_href=_new_organisation_href(),
    )


def _access_form(person: User) -> AccessForm:
    """The access form as the person's access stands now."""
    form = _with_choices(AccessForm(formdata=None), person)
    form.roles.data = [r.value for r in person.role_set]
    form.tracks.data = [s.track_id for s in person.scopes if s.track_id]
    form.scoped_roles.data = [s.role_id for s in person.scopes if s.role_id]
    form.partner_organisation.data = person.partner_organisation_id or 0
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user(user_id: int):
    person = _user_or_404(user_id, lock=request.method == "POST")
    if request.method == "GET":
        return _user_page(person, _access_form(person))
    form = _with_choices(AccessForm(), person)
    if form.validate_on_submit() and attempt(
        form,
        lambda: access_verbs.update_access(
            actor=current_user, user=person, access=_access_from(form)
        ),
    ):
        flash(f"Access saved for {person.name}.")
        return redirect(url_for("admin.user", user_id=person.id))
    return _user_page(person, form)


def _names() -> dict:
    return {
        "tracks": dict(db.session.execute(select(Track.id, Track.name)).all()),
        "roles": dict(db.session.execute(select(Role.id, Role.title)).all()),
    }


def _account_button(user_id: int, verb, done: str):
    """A button on the user's page (send a new invitation, reactivate): on a refusal the
    page comes back with the message beside the button, and nothing changed."""
    person = _user_or_404(user_id, lock=True)
    confirm = ConfirmForm()
    if confirm.validate_on_submit() and attempt(
        confirm, lambda: verb(actor=current_user, user=person)
    ):
        flash(done.format(person=person))
        return redirect(url_for("admin.user", user_id=person.id))
    return _user_page(person, _access_form(person), confirm)


@bp.post("/users/<int:user_id>/resend-invitation")
@require(Permission.MANAGE_USERS)
def resend_invitation(user_id: int):
    return _account_button(
        user_id,
        access_verbs.resend_invitation,
        "A new invitation is on its way to {person.email}.",
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def deactivate(user_id: int):
    person = _user_or_404(user_id, lock=request.method == "POST")
    form = ConfirmForm()
    if form.validate_on_submit() and attempt(
        form, lambda: access_verbs.deactivate_user(actor=current_user, user=person)
    ):
        flash(f"{person.name} can no longer sign in. Their open sessions have ended.")
        return redirect(url_for("admin.user", user_id=person.id))
    return render_template(
        "admin/deactivate.html",
        person=person,
        form=form,
        preview=queries.deactivation(person),
    )


@bp.post("/users/<int:user_id>/reactivate")
@require(Permission.MANAGE_USERS)
def reactivate(user_id: int):
    return _account_button(
        user_id, access_verbs.reactivate_user, "{person.name} can sign in again."
    )


def _emails_page(confirm: ConfirmForm):
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
        confirm=confirm,
    )


@bp.get("/emails")
@require(Permission.MANAGE_EMAILS)
def emails():
    return _emails_page(ConfirmForm())


@bp.post("/emails/<int:email_id>/retry")
@require(Permission.MANAGE_EMAILS)
def retry_email(email_id: int):
    email = scoped_or_404(select(Email).where(Email.id == email_id), lock=True)
    confirm = ConfirmForm()
    if confirm.validate_on_submit() and attempt(
        confirm, lambda: email_services.retry_email(actor=current_user.email, email=email)
    ):
        flash(f"Email {email.id} to {email.recipient} will be tried again.")
        return redirect(url_for("admin.emails"))
    return _emails_page(confirm)


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
