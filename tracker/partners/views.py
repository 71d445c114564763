"""HR's shares with employer partners (/staff/shares), and the partner portal (/partner).

A partner finds candidates only through ``queries.partner_candidates``: anything not shared
with their organisation, no longer shared, or withdrawn is simply not found (404). Every change
runs through ``attempt``, so a refusal is shown beside the form it came from; ending a share
and taking a candidate back cannot be undone for the partner, so each is confirmed first.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.permissions import Permission, require
from tracker.actions import add_error, attempt, scoped_or_404
from tracker.applications.eligibility import SubjectLevel
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import ACTIVE, STAFF_LABELS
from tracker.catalogue.models import CriterionKind
from tracker.extensions import db
from tracker.partners import fields as shareable
from tracker.partners import organisations as organisation_list
from tracker.partners import queries, services
from tracker.partners.blueprint import bp
from tracker.partners.forms import ConfirmForm, ShareForm, feedback_form
from tracker.partners.models import Recommendation, Share, SharedCandidate
from tracker.routing import is_id
from tracker.screening.scorecards import SCALE

# HR: sharing, following up and ending shares -------------------------------------------


@bp.get("/staff/shares")
@require(Permission.SHARE_CANDIDATES)
def shares():
    listing = queries.all_shares()
    return render_template(
        "partners/shares.html",
        shares=listing,
        progress={s.id: queries.progress(s) for s in listing},
        # The organisations page's own summaries, so the two pages count users alike.
        summaries=organisation_list.summaries(),
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
        organisation = next((o for o in organisations if o.id == form.organisation.data), None)
        chosen = [a for a in offered if a.id in set(form.application_ids.data)]
        if organisation is None:
            add_error(form, "Select the employer partner", "organisation")
        else:
            done = attempt(
                form,
                lambda: services.share_candidates(
                    actor=current_user,
                    organisation=organisation,
                    applications=chosen,
                    purpose=form.purpose.data,
                    due_on=form.due_on.data,
                    criteria=form.criteria_lines(),
                    fields=form.fields.data or [],
                ),
                field="application_ids",
            )
            if done:
                flash(
                    f"{len(chosen)} candidate{'s' if len(chosen) != 1 else ''} shared with "
                    f"{organisation.name}. We have emailed their partner users."
                )
                return redirect(url_for("partners.share", share_id=done.value.id))
    return render_template(
        "partners/new_share.html",
        form=form,
        offered=offered,
        organisations=organisations,
        field_hints={code: hint for code, (_, hint) in shareable.SHAREABLE.items()},
    )


def _share(share_id: int) -> Share:
    """:raise 404: unless the signed-in user may manage the share."""
    return scoped_or_404(queries.managed_shares(current_user).where(Share.id == share_id))


def _share_page(found: Share, form: ConfirmForm):
    return render_template(
        "partners/share.html",
        share=found,
        progress=queries.progress(found),
        visible={c.id for c in queries.visible_in_share(found)},
        recipients=queries.partner_users(found.organisation_id),
        field_labels={code: label for code, (label, _) in shareable.SHAREABLE.items()},
        stage_labels=STAFF_LABELS,
        scale=SCALE,
        form=form,
    )


@bp.get("/staff/shares/<int:share_id>")
@require(Permission.SHARE_CANDIDATES)
def share(share_id: int):
    return _share_page(_share(share_id), ConfirmForm())


def _change(share_id: int, verb, message: str):
    """Lock or unlock: buttons on the share's page, which shows a refusal as its error."""
    found = _share(share_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, lambda: verb(actor=current_user, share=found)):
        flash(message)
        return redirect(url_for("partners.share", share_id=share_id))
    return _share_page(found, form)


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
    """Ending a share cannot be undone and takes every candidate from the partner at once,
    so it is confirmed on a page that says how many candidates and people it touches."""
    found = _share(share_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = found.organisation.name
        if attempt(form, lambda: services.end_share(actor=current_user, share=found)):
            flash(f"{name} can no longer see these candidates. Their feedback is kept.")
            return redirect(url_for("partners.share", share_id=share_id))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "partners/end.html",
        share=found,
        form=form,
        visible=queries.visible_in_share(found),
        progress=queries.progress(found),
        recipients=queries.partner_users(found.organisation_id),
    )


@bp.route(
    "/staff/shares/<int:share_id>/candidates/<int:shared_id>/unshare", methods=["GET", "POST"]
)
@require(Permission.SHARE_CANDIDATES)
def unshare(share_id: int, shared_id: int):
    """Taking a candidate back cannot be undone within the share: confirmed first."""
    found = scoped_or_404(
        queries.managed_candidates(current_user).where(
            SharedCandidate.id == shared_id, SharedCandidate.share_id == share_id
        )
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        reference, name = found.application.reference, found.share.organisation.name
        done = attempt(
            form, lambda: services.unshare_candidate(actor=current_user, shared_candidate=found)
        )
        if done:
            flash(f"{reference} is no longer shared with {name}.")
            return redirect(url_for("partners.share", share_id=share_id))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "partners/unshare.html",
        shared=found,
        share=found.share,
        form=form,
        recipients=queries.partner_users(found.share.organisation_id),
    )


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
    found = scoped_or_404(queries.partner_shares(current_user).where(Share.id == share_id))
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
    found = scoped_or_404(
        queries.partner_candidates(current_user).where(SharedCandidate.id == shared_id)
    )
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
        done = attempt(
            form,
            lambda: services.give_feedback(
                actor=current_user,
                shared_candidate=found,
                recommendation=Recommendation(form.recommendation.data),
                comments=form.comments.data,
                scores={c.id: int(form[f"score_{c.id}"].data) for c in share.criteria},
            ),
        )
        if done:
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
