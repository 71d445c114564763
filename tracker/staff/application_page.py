"""The staff page of one application, one section at a time (``?section=``): shown by
staff.application, and again by each of its forms' routes when the form is refused
(move_views.py, record_views.py), with that form's errors and what was typed in it."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.accounts.permissions import Permission, can
from tracker.applications.states import REJECTION_REASONS, STAFF_LABELS, Actor, events_from
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.mentoring import queries as mentoring_queries
from tracker.notifications.models import Email
from tracker.offers.services import offer_for
from tracker.partners import queries as partner_queries
from tracker.screening import identity, review, scorecards, side_by_side
from tracker.screening import queries as screening_queries
from tracker.screening import services as screening_services
from tracker.screening.forms import (
    ConditionForm,
    MoveForm,
    NoteForm,
    RevealIdentityForm,
    scorecard_form,
)

SECTIONS = {
    "application": "Application",
    "scores": "Scores",
    "timeline": "Timeline",
    "notes": "Notes",
    "emails": "Emails",
}


def _asked_section() -> str:
    asked = request.args.get("section", "")
    return asked if asked in SECTIONS else "application"


def render_application(
    found,
    *,
    move_form=None,
    scores_form=None,
    note_form=None,
    condition_form=None,
    condition_kind: str | None = None,
    reveal_form=None,
):
    """The application's page, one section at a time (``?section=``), each a screen's work.
    After a refused form, pass it: the page opens the section that holds it and shows its
    errors and everything typed in it, so nothing is lost to one mistake. A condition's form
    is one of several on the page: ``condition_kind`` says which."""
    forms = (move_form, scores_form, note_form, condition_form, reveal_form)
    refused = next((f for f in forms if f is not None), None)
    if condition_form is not None:
        # The error summary leads to this condition's own note box.
        condition_form.note.error_anchor = f"note-{condition_kind}"
    section = _section(move_form=move_form, note_form=note_form, refused=refused)
    if move_form is None:
        move_form = MoveForm(formdata=None, data={"version": found.version})
    move_form.set_events(events_from(found.status, Actor.STAFF, manual_only=True))
    own = scorecards.own_scorecard(found, current_user)
    # Two questions: whether the page asks for this user's scores (not yet submitted), and
    # whether it shows everyone's (after their own, or at once to HR, who decide).
    sees_scores = scorecards.may_see_others(found, current_user, own=own)
    if section == "application":
        context = _application_section(
            found, scores_form, condition_form, condition_kind, reveal_form
        )
    else:
        context = _other_section(section, found, sees_scores=sees_scores, note_form=note_form)
    return render_template(
        "staff/application.html",
        application=found,
        section=section,
        sections=SECTIONS,
        form=move_form,
        refused=refused,
        own_scorecard=own,
        scored=own is not None and own.submitted_at is not None,
        sees_scores=sees_scores,
        summary=scorecards.summarise(found) if sees_scores else None,
        reviewers=found.score_count,
        days_in_stage=_days_in_stage(found),
        scale=scorecards.SCALE,
        stage_labels=STAFF_LABELS,
        reason_labels=REJECTION_REASONS,
        # Name-blind review (tracker/screening/identity.py): nobody sees who applied during
        # the sift, HR included, unless this HR user revealed it for this application.
        **identity.page_context(current_user, found),
        guaranteed=screening_services.is_guaranteed(found),
        review=_review_context(found),
        **context,
    )


def _section(*, move_form, note_form, refused) -> str:
    """The section to open: the one holding a refused form, or else the one asked for."""
    if move_form is not None:
        # The decision is on two sections: it comes back on the one it was sent from.
        return "scores" if request.args.get("section") == "scores" else "application"
    if note_form is not None:
        return "notes"
    if refused is not None:
        return "application"
    return _asked_section()


def _application_section(found, scores_form, condition_form, condition_kind, reveal_form) -> dict:
    criteria = scorecards.criteria_for(found)
    ids = {c.id for _, c in criteria}
    return {
        "criteria": criteria,
        "answers": {a.criterion_id: a for a in found.answers if a.criterion_id in ids},
        # Answers to questions the role no longer asks are still evidence.
        "other_answers": [a for a in found.answers if a.criterion_id not in ids],
        "scorecard_form": scores_form or scorecard_form(criteria, formdata=None),
        "offer": offer_for(found),
        "mentor_panel": mentoring_queries.mentor_panel(found),
        "condition_form": condition_form or ConditionForm(formdata=None),
        "refused_condition": condition_kind if condition_form is not None else None,
        "reveal_form": reveal_form or RevealIdentityForm(formdata=None),
    }


def _other_section(section: str, found, *, sees_scores: bool, note_form) -> dict:
    if section == "scores":
        return {
            "partner_feedback": partner_queries.feedback_for_application(found),
            "side_by_side": side_by_side.table(found, current_user.id) if sees_scores else None,
        }
    if section == "timeline":
        partner_feedback = partner_queries.feedback_for_application(found)
        return {"timeline": _timeline(screening_queries.timeline(found), partner_feedback)}
    if section == "notes":
        return {
            "notes": screening_queries.notes(found),
            "note_form": note_form or NoteForm(formdata=None),
        }
    return {
        "emails": db.session.scalars(
            select(Email)
            .where(Email.context["application_id"].as_integer() == found.id)
            .order_by(Email.created_at.desc())
        ).all()
    }


def _days_in_stage(found) -> int | None:
    since = found.status_changed_at or found.submitted_at
    return (utcnow() - since).days if since else None


def _review_context(found) -> dict | None:
    """Review mode (tracker/screening/review.py): "Candidate n of N", the way back to the
    list and a skip, carried in the query string (also the scorecard's form action's)."""
    walk = review.Walk.parse(request.args, status_key="review")
    if walk is None or not can(current_user, Permission.MOVE_CANDIDATES):
        return None
    n, total = review.position(current_user, found.role_id, walk)
    return {
        "walk": walk,
        "n": n,
        "total": total,
        "list_href": url_for(
            "screening.candidates", role_id=found.role_id, status=walk.status.value, unscored=1
        ),
        "skip_href": url_for(
            "screening.review",
            role_id=found.role_id,
            **walk.review_args(skip=(*walk.skip, found.id)),
        ),
    }


def _timeline(moves, partner_feedback) -> list[tuple[str, object]]:
    """Moves and partners' feedback, newest first, as ("move" | "feedback", record) pairs."""
    items = [(m.occurred_at, "move", m) for m in moves] + [
        (f.submitted_at, "feedback", f) for f in partner_feedback
    ]
    items.sort(key=lambda item: item[0], reverse=True)
    return [(kind, record) for _, kind, record in items]
