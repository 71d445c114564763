"""The candidates a shortlist export holds, always through the member of staff's scope.

Rows are read with a server-side cursor in batches, so an export of any size holds only one
batch in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import joinedload, load_only, selectinload

from tracker.accounts.models import User
from tracker.accounts.permissions import visible_roles
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import STAFF_LABELS, Status
from tracker.catalogue.models import Campaign, Criterion, CriterionKind, Role, Track
from tracker.clock import UK
from tracker.exports import extras
from tracker.exports.columns import FIELDS
from tracker.exports.extras import Extra, criterion_key_of
from tracker.extensions import db

BATCH = 1000


@dataclass(frozen=True)
class Shortlist:
    """One role, a whole track or a whole campaign; some stages or all of them; and
    optionally only the applications submitted between two dates (UK days, both included)."""

    role: Role | None = None
    track: Track | None = None
    campaign: Campaign | None = None
    statuses: tuple[Status, ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None

    @property
    def whole_campaign(self) -> Campaign:
        """The campaign, for a shortlist of neither a role nor a track: one of the three is
        always given (exports.views._shortlist)."""
        if self.campaign is None:
            raise ValueError("A shortlist is of a role, a track or a campaign: none was given")
        return self.campaign

    @property
    def slug(self) -> str:
        """For the file's name: shortlist-<role, track or campaign>-<stages>."""
        what = (self.role or self.track or self.whole_campaign).slug
        if not self.statuses:
            stages = "all-stages"
        elif len(self.statuses) == 1:
            stages = self.statuses[0].value.replace("_", "-")
        else:
            stages = f"{len(self.statuses)}-stages"
        return f"{what}-{stages}"

    @property
    def description(self) -> str:
        if self.role is not None:
            what = self.role.title
        elif self.track is not None:
            what = f"Every role in {self.track.name}"
        else:
            what = f"Every role in the campaign {self.whole_campaign.name}"
        if not self.statuses:
            stages = "all stages"
        else:
            labels = ", ".join(STAFF_LABELS[s] for s in self.statuses)
            stages = f"stage{'s' if len(self.statuses) > 1 else ''}: {labels}"
        text = f"{what}, {stages}"
        if self.submitted_from or self.submitted_to:
            text += ", submitted " + _between(self.submitted_from, self.submitted_to)
        return text

    @property
    def object(self) -> tuple[str, int]:
        """What the audit event is about."""
        if self.role is not None:
            return "role", self.role.id
        if self.track is not None:
            return "track", self.track.id
        return "campaign", self.whole_campaign.id

    def audit_details(self) -> dict:
        return {
            "role_id": self.role.id if self.role else None,
            "track_id": self.track.id if self.track else None,
            "campaign_id": self.campaign.id if self.campaign else None,
            "statuses": [s.value for s in self.statuses],
            "submitted_from": self.submitted_from.isoformat() if self.submitted_from else None,
            "submitted_to": self.submitted_to.isoformat() if self.submitted_to else None,
        }


def _between(start: date | None, end: date | None) -> str:
    if start and end:
        return f"from {start:%-d %B %Y} to {end:%-d %B %Y}"
    if start:
        return f"from {start:%-d %B %Y}"
    return f"up to {end:%-d %B %Y}"


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK)


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


def visible_campaigns(user: User) -> Select:
    """The campaigns with at least one role this user may see."""
    in_scope = visible_roles(user).with_only_columns(Role.campaign_id)
    return select(Campaign).where(Campaign.id.in_(in_scope))


def find_campaign(user: User, campaign_id: int) -> Campaign | None:
    return db.session.scalar(visible_campaigns(user).where(Campaign.id == campaign_id))


def campaigns_to_choose(user: User) -> list[Campaign]:
    return list(
        db.session.scalars(visible_campaigns(user).order_by(Campaign.opens_on.desc(), Campaign.id))
    )


def criterion_keys(user: User) -> list[str]:
    """The criterion columns there are among the roles this user may see: essential ones
    first, each kind by place."""
    rows = db.session.execute(
        select(Criterion.kind, Criterion.position)
        .where(Criterion.role_id.in_(visible_roles(user).with_only_columns(Role.id)))
        .distinct()
    )
    return [
        criterion_key_of(kind, position)
        for kind, position in sorted(
            rows, key=lambda r: (r[0] is not CriterionKind.ESSENTIAL, r[1])
        )
    ]


def _in_shortlist(shortlist: Shortlist):
    if shortlist.role is not None:
        return Role.id == shortlist.role.id
    if shortlist.track is not None:
        return Role.track_id == shortlist.track.id
    return Role.campaign_id == shortlist.whole_campaign.id


def _candidates(user: User, shortlist: Shortlist) -> Select:
    query = visible_applications(user).where(
        Application.role_id.in_(select(Role.id).where(_in_shortlist(shortlist)))
    )
    if shortlist.statuses:
        query = query.where(Application.status.in_(shortlist.statuses))
    if shortlist.submitted_from is not None:
        query = query.where(Application.submitted_at >= _uk_midnight(shortlist.submitted_from))
    if shortlist.submitted_to is not None and shortlist.submitted_to < date.max:
        # The form keeps years between 2000 and 2100; the last date there is has no next day.
        after = _uk_midnight(shortlist.submitted_to + timedelta(days=1))
        query = query.where(Application.submitted_at < after)
    return query


def count(user: User, shortlist: Shortlist) -> int:
    query = _candidates(user, shortlist)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def roles(user: User, shortlist: Shortlist, *, criteria: bool = False) -> list[Role]:
    """The shortlist's roles this user may see, with their tracks (and their criteria when
    criterion columns are chosen), in the order of the staff home."""
    options = [selectinload(Role.track)]
    if criteria:
        options.append(selectinload(Role.criteria))
    return list(
        db.session.scalars(
            visible_roles(user)
            .where(_in_shortlist(shortlist))
            .options(*options)
            .order_by(Role.position, Role.id)
        )
    )


def candidates(
    user: User,
    shortlist: Shortlist,
    held_roles: list[Role],
    needs: frozenset[str] = frozenset(),
    batch: int = BATCH,
) -> Iterator[tuple[Application, Extra]]:
    """The shortlist's applications with their extras, by role (as on the staff home) then
    reference.

    Only the attributes the columns read are loaded. ``held_roles`` (from ``roles``) stay in
    the session while the rows are read, so each application finds its role without a query.
    Each batch of the server-side cursor has the extras the columns need (``needs``, see
    columns.needs) loaded in one IN query each, and both are let go before the next batch.
    """
    query = (
        _candidates(user, shortlist)
        .join(Application.role)
        .options(
            load_only(*(getattr(Application, name) for name in FIELDS), Application.role_id),
            joinedload(Application.applicant).load_only(Applicant.email),
        )
        .order_by(Role.position, Role.id, Application.reference)
        .execution_options(yield_per=batch)
    )
    result = db.session.scalars(query)
    try:
        for applications in result.partitions():
            found = extras.load(applications, held_roles, user=user, needs=needs)
            for application in applications:
                yield application, found[application.id]
    finally:
        result.close()


def cells(user: User, shortlist: Shortlist, expressions: list, laterals: Sequence = ()) -> Select:
    """The shortlist's rows as these column expressions (sql_cells.py), in the order
    ``candidates`` reads them: for PostgreSQL to compute every cell itself. ``laterals``:
    per-row look-ups the expressions read (sql_cells.Scope.laterals), each one row a row."""
    where = _candidates(user, shortlist).whereclause
    query = (
        select(*expressions)
        .select_from(Application)
        .join(Role, Role.id == Application.role_id)
        .join(Track, Track.id == Role.track_id)
        .join(Applicant, Applicant.id == Application.applicant_id)
    )
    for lateral in laterals:
        query = query.join(lateral, true())
    return query.where(*(() if where is None else (where,))).order_by(
        Role.position, Role.id, Application.reference
    )
