"""What the screening pages share: the role and the application, found through the user's
scope; the list's filters, from the query string; and the list page itself, shown by the list
and again after a refused save or bulk move."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.permissions import Permission, can, visible_roles
from tracker.actions import save, scoped_or_404
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import AWAITING_DECISION, PIPELINE_ORDER, SCORING, STAFF_LABELS
from tracker.catalogue.models import Role
from tracker.routing import id_arg, page_arg
from tracker.screening import filters as list_filters
from tracker.screening import identity, queries, review, saved_filters, services


def role_in_scope(role_id: int) -> Role:
    """:raise 404: when the role is outside the user's scope."""
    return scoped_or_404(
        visible_roles(current_user).where(Role.id == role_id).options(selectinload(Role.track))
    )


def visible_application(application_id: int, *, lock: bool = False) -> Application:
    """:raise 404: when the application is a draft or outside the user's scope. ``lock`` for
    a change that must not race another (the application's row only)."""
    return scoped_or_404(
        visible_applications(current_user).where(Application.id == application_id),
        lock=lock,
        of=Application,
    )


def request_filters() -> tuple[list_filters.Filters, dict[str, str]]:
    # Only HR may search by name or email: anyone else's search is dropped, not echoed.
    # A reviewer who may not see averages before scoring sorts and filters by score only
    # among the candidates they have scored.
    filters, errors = list_filters.parse(
        request.args,
        may_search=identity.may_reveal(current_user),
        may_see_scores=can(current_user, Permission.SEE_SCORES_UNSCORED),
    )
    return filters.with_page(page_arg(), after=id_arg("after"), before=id_arg("before")), errors


def render_list(role: Role, filters, filter_errors, form, view_form):
    page = queries.pipeline_page(current_user, role.id, filters)
    if filters.search:
        # HR's search by name or email finds who is behind a name-blind reference: audited,
        # as the explicit reveal is (tracker/screening/identity.py).
        blind = queries.count_name_blind_found(current_user, role.id, filters)
        if blind:
            save(
                lambda: identity.record_search(
                    actor=current_user, role=role, results=page.total, name_blind=blind
                )
            )
    counts = queries.stage_counts(current_user, role.id)
    return render_template(
        "screening/candidates.html",
        role=role,
        page=page,
        filters=filters,
        filter_errors=filter_errors,
        raw=request.args,
        form=form,
        view_form=view_form,
        saved=[
            (v, saved_filters.list_url(v)) for v in saved_filters.for_role(current_user, role.id)
        ],
        saved_query=filters.saved_query,
        match_limit=queries.MATCH_LIMIT,
        may_search=identity.may_reveal(current_user),
        counts={status: counts.get((role.id, status), 0) for status in PIPELINE_ORDER},
        stages=PIPELINE_ORDER,
        stage_labels=STAFF_LABELS,
        flags=list_filters.FLAGS,
        sorts=list_filters.SORTS,
        awaiting=AWAITING_DECISION,
        waiting_days=current_app.config["WAITING_DAYS"],
        previous_href=(
            _page_href(role, filters, page.page - 1, before=page.items[0].id)
            if page.page > 1 and page.items
            else None
        ),
        next_href=(
            _page_href(role, filters, page.page + 1, after=page.items[-1].id)
            if page.page < page.pages and page.items
            else None
        ),
        waiting_for_me=_waiting_for_me(role, filters),
        # A reviewer sees colleagues' average only on the candidates they have scored.
        sees_unscored=can(current_user, Permission.SEE_SCORES_UNSCORED),
    )


def _waiting_for_me(role: Role, filters) -> int:
    """In a stage reviewers score, how many wait for this user's score ("Review next")."""
    if filters.status not in SCORING or not services.can_move(current_user):
        return 0
    return review.count_waiting(current_user, role.id, filters.status)


def _page_href(role: Role, filters, number: int, **cursor) -> str:
    """Page ``number``, found from the row before or after it (paging.py): the number is
    what the page says it is; the row is where it starts."""
    query = filters.with_page(number, **cursor).query_string(page=True)
    base = url_for("screening.candidates", role_id=role.id)
    return f"{base}?{query}" if query else base
