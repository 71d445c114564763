"""Saved views: a member of staff's named filter and sort of one role's candidate list, kept
for them alone and shown, with how many candidates each holds now, on their home page.

The services flush and never commit; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can, visible_roles
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.refusals import Refused
from tracker.screening import filters as list_filters
from tracker.screening import queries
from tracker.screening.models import SavedView

NAME_LENGTH = 80
# Every view adds a FILTER to the home page's one count: a few are useful, hundreds would be slow.
LIMIT = 20


class SavedViewError(Refused):
    """A view that cannot be saved, with a message for the name field."""


@dataclass(frozen=True)
class HomeView:
    name: str
    count: int
    url: str


def list_url(view: SavedView) -> str:
    base = url_for("screening.candidates", role_id=view.role_id)
    return f"{base}?{view.query}" if view.query else base


def for_role(user: User, role_id: int) -> list[SavedView]:
    return list(
        db.session.scalars(
            select(SavedView)
            .where(SavedView.user_id == user.id, SavedView.role_id == role_id)
            .order_by(SavedView.name)
        )
    )


def for_home(user: User) -> list[HomeView]:
    """The user's views of roles they may still see, each with its count now (through the same
    scoped, filtered conditions as the list): one query for the views, one for every count."""
    views = db.session.scalars(
        select(SavedView)
        .where(
            SavedView.user_id == user.id,
            SavedView.role_id.in_(visible_roles(user).with_only_columns(Role.id)),
        )
        .order_by(SavedView.name)
        .limit(LIMIT)
    ).all()
    sees_all = can(user, Permission.SEE_SCORES_UNSCORED)
    counts = queries.count_each_matching(
        user,
        [
            (view.role_id, list_filters.parse_saved(view.query, may_see_scores=sees_all))
            for view in views
        ],
    )
    return [
        HomeView(name=view.name, count=count, url=list_url(view))
        for view, count in zip(views, counts, strict=True)
    ]


def save_view(*, actor: User, role: Role, name: str, filters: list_filters.Filters) -> SavedView:
    """Save the list's current filters and sort under a name of the actor's own.

    :raise SavedViewError: for an empty, too long or already used name, or too many views.
    """
    name = " ".join((name or "").split())
    if not name:
        raise SavedViewError("Enter a name for this view")
    if len(name) > NAME_LENGTH:
        raise SavedViewError(f"The name must be {NAME_LENGTH} characters or fewer")
    owned = (
        db.session.scalar(
            select(func.count()).select_from(SavedView).where(SavedView.user_id == actor.id)
        )
        or 0
    )
    if owned >= LIMIT:
        raise SavedViewError(
            f"You have {LIMIT} saved views, the most you can have. Delete one first"
        )
    view = SavedView(
        user_id=actor.id,
        role_id=role.id,
        name=name,
        query=filters.saved_query,
        created_at=utcnow(),
    )
    try:
        # A savepoint: the same name from a second tab is a message, not a 500.
        with db.session.begin_nested():
            db.session.add(view)
    except IntegrityError as error:
        raise SavedViewError(f'You already have a view called "{name}"') from error
    return view


def find_own(user: User, view_id: int) -> SavedView | None:
    return db.session.scalar(
        select(SavedView).where(SavedView.id == view_id, SavedView.user_id == user.id)
    )


def delete_view(*, actor: User, view: SavedView) -> None:
    if view.user_id != actor.id:
        raise SavedViewError("You can only delete your own saved views")
    db.session.delete(view)
    db.session.flush()
