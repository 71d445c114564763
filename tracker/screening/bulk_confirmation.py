"""Asking before a bulk move: the candidates chosen on the list, found again through the
user's scope, and the confirmation page that says what will happen, to how many, and the
email each will be sent. Nothing moves here; the page's "Yes" posts to screening.bulk_move
(bulk_views.py)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from tracker.actions import add_error
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import REJECTION_REASONS, Event
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.screening import identity, previews, queries, services
from tracker.screening.forms import BulkConfirmForm, BulkMoveForm, SaveViewForm
from tracker.screening.listing import render_list, request_filters

# What the confirmation asks, for "12 candidates": "Invite 12 candidates to assessment".
PHRASES = {
    Event.START_SIFT: "Move {} to the sift",
    Event.INVITE_TO_ASSESSMENT: "Invite {} to assessment",
    Event.INVITE_TO_INTERVIEW: "Invite {} to interview",
    Event.REJECT: "Make {} unsuccessful",
}


def chosen(role: Role, filters, filter_errors, form: BulkMoveForm) -> list[Application] | None:
    """The candidates to move, through the user's scope, or None with an error on the form."""
    scope = form.chosen_scope
    if scope == "matching":
        if filter_errors:
            add_error(form, "Correct the filters before moving every candidate they match", "scope")
            return None
        total = queries.count_matching(current_user, role.id, filters)
        if total > queries.MATCH_LIMIT:
            add_error(
                form,
                f"{total:,} candidates match: you can move up to {queries.MATCH_LIMIT:,} at "
                "once. Narrow the filters, for example to one stage",
                "scope",
            )
            return None
        query = queries.ordered(
            queries.matching(current_user, role.id, filters), current_user, filters
        )
        return list(db.session.scalars(query))
    if scope == "page":
        # Only the candidates this page showed (posted back with it) that still match: a
        # stale tab never acts on a candidate the user did not see.
        shown = form.shown_ids.data[: queries.PAGE_SIZE]
        found = list(
            db.session.scalars(
                queries.ordered(
                    queries.matching(current_user, role.id, filters).where(
                        Application.id.in_(shown)
                    ),
                    current_user,
                    filters,
                )
            )
        )
        if not found:
            add_error(form, "None of the candidates shown still match: reload the list", "scope")
        return found or None
    found = list(
        db.session.scalars(
            visible_applications(current_user)
            .where(Application.role_id == role.id, Application.id.in_(form.application_ids.data))
            .order_by(Application.id)
        )
    )
    if not found:
        add_error(form, "Select candidates from the list", "application_ids")
    return found or None


def list_args() -> dict:
    """The list's filters, sort and page, as the list was posted with them."""
    return request.args.to_dict(flat=False)


def render_confirmation(role: Role, form: BulkMoveForm, found: list[Application]):
    """What the move will do, to whom, and the email it sends: or, when it would move
    nobody, the list again with why."""
    event = Event(form.event.data)
    plan = services.plan_bulk_move(
        applications=found, event=event, reasons=form.reasons.data, feedback=form.feedback.data
    )
    if not plan.moved:
        first, why = plan.skipped[0]
        add_error(
            form,
            f"None of the {len(found)} selected can be moved. For example, {first.reference}: "
            f"{why}",
            "event",
        )
        return render_list(role, *request_filters(), form, SaveViewForm(formdata=None))
    shown = identity.shown_among(current_user, plan.moved)  # names only where they may be seen
    confirm = BulkConfirmForm(
        formdata=None,
        data={
            "event": event.value,
            "reasons": form.reasons.data,
            "feedback": form.feedback.data,
            "chosen": [f"{a.id}:{a.version}" for a in plan.moved],
        },
    )
    return render_template(
        "screening/confirm_bulk.html",
        role=role,
        form=confirm,
        event=event,
        phrase=PHRASES[event].format(_candidates(len(plan.moved))),
        plan=plan,
        names={a.id: a.full_name for a in plan.moved if a.id in shown},
        reasons=[REJECTION_REASONS[code] for code in form.reasons.data],
        email=previews.move_email(
            event,
            plan.moved[0],
            viewer=current_user,
            reasons=form.reasons.data,
            feedback=form.feedback.data,
            one_of_many=True,
        ),
        action=url_for("screening.bulk_move", role_id=role.id, **list_args()),
        back=url_for("screening.candidates", role_id=role.id, **list_args()),
    )


def _candidates(count: int) -> str:
    return f"{count} candidate{'s' if count != 1 else ''}"
