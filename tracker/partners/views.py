"""HR's shares with employer partners (/staff/shares), and the partner portal (/partner).

A partner finds candidates only through ``queries.partner_candidates``: anything not shared
with their organisation, no longer shared, or withdrawn is simply not found (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import PartnerOrganisation
from tracker.accounts.permissions import Permission, require
from tracker.applications.eligibility import SubjectLevel
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import ACTIVE, STAFF_LABELS
from tracker.catalogue.models import CriterionKind
from tracker.extensions import db
from tracker.partners import fields as shareable
from tracker.partners import queries, services
from tracker.partners.forms import ConfirmForm, ShareForm, feedback_form
from tracker.partners.models import Recommendation, Share, SharedCandidate
from tracker.routing import is_id
from tracker.screening.scorecards import SCALE

bp = Blueprint("partners", __name__)


# HR: sharing, following up and ending shares -------------------------------------------


@bp.get("/staff/shares")
@require(Permission.SHARE_CANDIDATES)
def shares():
    listing = queries.all_shares()
    return render_template(
        "partners/shares.html",
        shares=listing,
        progress={s.id: queries.progress(s) for s in listing},
        organisations=queries.organisations(),
        user_counts=queries.user_counts(),
    )


def _offered(ids: list[int]) -> list[Application]:
    """The candidates HR picked that can still be shared, in reference order."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            visible_applications(current_user)
            .where(Application.id.in_(ids[:500]), Application.status.in_(ACTIVE))
            .options(selectinload(Application.role))
            .order_by(Application.reference)
        )
    )


def _suggested_criteria(applications: list[Application]) -> str:
    """The essential criteria of the candidates' roles, each once: a starting point."""
    seen: dict[str, str] = {}
    for application in applications:
        for criterion in application.role.criteria:
            if criterion.kind is CriterionKind.ESSENTIAL:
                seen.setdefault(" ".join(criterion.text.split()).casefold(), criterion.text)
    return "\n".join(list(seen.values())[: services.MAX_CRITERIA])


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if is_id(v)]


@bp.route("/staff/shares/new", methods=["GET", "POST"])
@require(Permission.SHARE_CANDIDATES)
def new_share():
    # Arriving from a candidate list (the ticked candidates, posted) or a candidate's page
    # (?application_ids=): show the form with its suggestions. Otherwise it is the form.
    starting = request.method == "GET" or request.form.get("step") == "choose"
    picked = request.values.getlist("application_ids" if starting else "offered")
    offered = _offered(_ids(picked))
    organisations = queries.organisations()
    if starting:
        form = ShareForm(
            formdata=None,
            data={
                "application_ids": [a.id for a in offered],
                "criteria": _suggested_criteria(offered),
                "fields": list(shareable.DEFAULT),
            },
        )
    else:
        form = ShareForm()
    form.application_ids.choices = [
        (a.id, f"{a.reference}: {a.role.title} ({STAFF_LABELS[a.status]})") for a in offered
    ]
    form.organisation.choices = [(0, "Choose an employer partner")] + [
        (o.id, o.name) for o in organisations
    ]
    if not starting and form.validate_on_submit():
        organisation = db.session.get(PartnerOrganisation, form.organisation.data or 0)
        chosen = [a for a in offered if a.id in set(form.application_ids.data)]
        if organisation is None:
            form.organisation.errors.append("Select the employer partner")
        else:
            try:
                share = services.share_candidates(
                    actor=current_user,
                    organisation=organisation,
                    applications=chosen,
                    purpose=form.purpose.data,
                    due_on=form.due_on.data,
                    criteria=form.criteria_lines(),
                    fields=form.fields.data or [],
                )
            except services.SharingError as error:
                db.session.rollback()
                _attach(form, str(error))
            else:
                db.session.commit()
                flash(
                    f"{len(chosen)} candidate{'s' if len(chosen) != 1 else ''} shared with "
                    f"{organisation.name}. We have emailed their partner users."
                )
                return redirect(url_for("partners.share", share_id=share.id))
    return render_template(
        "partners/new_share.html",
        form=form,
        offered=offered,
        organisations=organisations,
        field_hints={code: hint for code, (_, hint) in shareable.SHAREABLE.items()},
    )


def _attach(form: ShareForm, message: str) -> None:
    """Put a service's message on the field it is about."""
    lowered = message.lower()
    if "criteri" in lowered:
        form.criteria.errors.append(message)
    elif "due date" in lowered:
        form.due_on.errors.append(message)
    elif "nobody at" in lowered:
        form.organisation.errors.append(message)
    else:
        form.application_ids.errors.append(message)


def _share(share_id: int) -> Share:
    found = db.session.get(Share, share_id)
    if found is None:
        abort(404)
    return found


@bp.get("/staff/shares/<int:share_id>")
@require(Permission.SHARE_CANDIDATES)
def share(share_id: int):
    found = _share(share_id)
    return render_template(
        "partners/share.html",
        share=found,
        progress=queries.progress(found),
        visible={c.id for c in queries.visible_in_share(found)},
        recipients=queries.partner_users(found.organisation_id),
        field_labels={code: label for code, (label, _) in shareable.SHAREABLE.items()},
        stage_labels=STAFF_LABELS,
        scale=SCALE,
        form=ConfirmForm(),
    )


def _change(share_id: int, verb, message: str):
    found = _share(share_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        verb(actor=current_user, share=found)
    except services.SharingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message)
    return redirect(url_for("partners.share", share_id=share_id))


@bp.post("/staff/shares/<int:share_id>/lock")
@require(Permission.SHARE_CANDIDATES)
def lock(share_id: int):
    return _change(
        share_id, services.lock_feedback, "Feedback locked: the partner can no longer change it."
    )


@bp.post("/staff/shares/<int:share_id>/unlock")
@require(Permission.SHARE_CANDIDATES)
def unlock(share_id: int):
    return _change(
        share_id, services.unlock_feedback, "Feedback unlocked: the partner can change it again."
    )


@bp.route("/staff/shares/<int:share_id>/end", methods=["GET", "POST"])
@require(Permission.SHARE_CANDIDATES)
def end(share_id: int):
    found = _share(share_id)
    if request.method == "POST":
        return _change(
            share_id,
            services.end_share,
            f"{found.organisation.name} can no longer see these candidates. "
            "Their feedback is kept.",
        )
    return render_template("partners/end.html", share=found, form=ConfirmForm())


@bp.post("/staff/shares/<int:share_id>/candidates/<int:shared_id>/unshare")
@require(Permission.SHARE_CANDIDATES)
def unshare(share_id: int, shared_id: int):
    found = db.session.scalar(
        select(SharedCandidate).where(
            SharedCandidate.id == shared_id, SharedCandidate.share_id == share_id
        )
    )
    if found is None or not ConfirmForm().validate_on_submit():
        abort(404 if found is None else 400)
    services.unshare_candidate(actor=current_user, shared_candidate=found)
    db.session.commit()
    flash(
        f"{found.application.reference} is no longer shared with {found.share.organisation.name}."
    )
    return redirect(url_for("partners.share", share_id=share_id))


# The partner portal ----------------------------------------------------------------------


@bp.get("/partner/")
@require(Permission.GIVE_PARTNER_FEEDBACK)
def portal():
    listing = list(
        db.session.scalars(
            queries.partner_shares(current_user)
            .options(selectinload(Share.candidates))
            .order_by(Share.due_on, Share.id)
        )
    )
    return render_template(
        "partners/portal.html",
        shares=listing,
        progress={s.id: queries.progress(s) for s in listing},
    )


@bp.get("/partner/shares/<int:share_id>")
@require(Permission.GIVE_PARTNER_FEEDBACK)
def partner_share(share_id: int):
    found = db.session.scalar(queries.partner_shares(current_user).where(Share.id == share_id))
    if found is None:
        abort(404)
    return render_template(
        "partners/partner_share.html",
        share=found,
        candidates=queries.visible_in_share(found),
        progress=queries.progress(found),
        shows_name=shareable.NAME in found.fields,
    )


@bp.route("/partner/candidates/<int:shared_id>", methods=["GET", "POST"])
@require(Permission.GIVE_PARTNER_FEEDBACK)
def candidate(shared_id: int):
    found = db.session.scalar(
        queries.partner_candidates(current_user).where(SharedCandidate.id == shared_id)
    )
    if found is None:
        abort(404)
    share = found.share
    saved = found.feedback
    data = None
    if saved is not None and request.method == "GET":
        data = {
            "recommendation": saved.recommendation.value,
            "comments": saved.comments,
            **{f"score_{s.criterion_id}": str(s.score) for s in saved.scores},
        }
    form = feedback_form(share.criteria, data=data)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.give_feedback(
                actor=current_user,
                shared_candidate=found,
                recommendation=Recommendation(form.recommendation.data),
                comments=form.comments.data,
                scores={c.id: int(form[f"score_{c.id}"].data) for c in share.criteria},
            )
        except services.SharingError as error:
            db.session.rollback()
            form.recommendation.errors = [*form.recommendation.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Feedback on {found.application.reference} saved.")
            return redirect(url_for("partners.partner_share", share_id=share.id))
    return render_template(
        "partners/candidate.html",
        shared=found,
        share=share,
        application=found.application,
        allowed=set(share.fields),
        fields=shareable,
        form=form,
        level_labels={level.value: level.label for level in SubjectLevel},
        scale=SCALE,
    )
