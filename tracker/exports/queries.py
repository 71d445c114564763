"""The candidates a shortlist export holds, always through the member of staff's scope.

Rows are read with a server-side cursor in batches, so an export of any size holds only one
batch in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from tracker.accounts.models import User
from tracker.accounts.permissions import visible_roles
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import STAFF_LABELS, Status
from tracker.catalogue.models import Role, Track
from tracker.exports.columns import FIELDS
from tracker.extensions import db

BATCH = 1000


@dataclass(frozen=True)
class Shortlist:
    """One role or a whole track, and optionally one stage."""

    role: Role | None = None
    track: Track | None = None
    status: Status | None = None

    @property
    def slug(self) -> str:
        """For the file's name: shortlist-<role or track>-<stage>."""
        what = self.role.slug if self.role else self.track.slug
        return f"{what}-{self.status.value.replace('_', '-') if self.status else 'all-stages'}"

    @property
    def description(self) -> str:
        what = self.role.title if self.role else f"Every role in {self.track.name}"
        return f"{what}, " + (
            f"stage: {STAFF_LABELS[self.status]}" if self.status else "all stages"
        )

    def audit_details(self) -> dict:
        return {
            "role_id": self.role.id if self.role else None,
            "track_id": self.track.id if self.track else None,
            "status": self.status.value if self.status else None,
        }


def visible_tracks(user: User) -> Select:
    """The tracks with at least one role this user may see."""
    return select(Track).where(Track.id.in_(visible_roles(user).with_only_columns(Role.track_id)))


def find_role(user: User, role_id: int) -> Role | None:
    return db.session.scalar(
        visible_roles(user).where(Role.id == role_id).options(selectinload(Role.track))
    )


def find_track(user: User, track_id: int) -> Track | None:
    return db.session.scalar(visible_tracks(user).where(Track.id == track_id))


def roles_to_choose(user: User) -> list[Role]:
    return list(db.session.scalars(visible_roles(user).order_by(Role.position, Role.id)))


def tracks_to_choose(user: User) -> list[Track]:
    return list(db.session.scalars(visible_tracks(user).order_by(Track.position, Track.id)))


def _candidates(user: User, shortlist: Shortlist) -> Select:
    query = visible_applications(user)
    if shortlist.role is not None:
        query = query.where(Application.role_id == shortlist.role.id)
    else:
        in_track = select(Role.id).where(Role.track_id == shortlist.track.id)
        query = query.where(Application.role_id.in_(in_track))
    if shortlist.status is not None:
        query = query.where(Application.status == shortlist.status)
    return query


def count(user: User, shortlist: Shortlist) -> int:
    query = _candidates(user, shortlist)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def candidates(user: User, shortlist: Shortlist, batch: int = BATCH) -> Iterator[Application]:
    """The shortlist's applications, by role (as on the staff home) then reference.

    Only the attributes the columns read are loaded. The shortlist's few roles are loaded
    first and held, so each application finds its role in the session, without a query.
    """
    candidates = _candidates(user, shortlist)
    in_shortlist = (
        Role.id == shortlist.role.id
        if shortlist.role is not None
        else Role.track_id == shortlist.track.id
    )
    roles = list(  # held until the last row, so that they stay in the session
        db.session.scalars(
            visible_roles(user).where(in_shortlist).options(selectinload(Role.track))
        )
    )
    query = (
        candidates.join(Application.role)
        .options(
            load_only(*(getattr(Application, name) for name in FIELDS), Application.role_id),
            joinedload(Application.applicant).load_only(Applicant.email),
        )
        .order_by(Role.position, Role.id, Application.reference)
        .execution_options(yield_per=batch)
    )
    result = db.session.scalars(query)
    try:
        yield from result
    finally:
        result.close()
        roles.clear()
