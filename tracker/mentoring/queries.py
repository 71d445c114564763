"""What HR's mentor pages and a mentor's own dashboard ask. A mentor finds apprentices only
through their live assignments, so anyone else's apprentice is simply not found."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import StaffRole, User, UserRole
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.offers.models import Offer


@dataclass(frozen=True)
class Mentor:
    user: User
    profile: MentorProfile | None


@dataclass(frozen=True)
class Apprentice:
    """A hired apprentice as HR's overview shows them."""

    application: Application
    offer: Offer | None
    assignment: MentorAssignment | None

    @property
    def mentor_unavailable(self) -> bool:
        """Their mentor's account was deactivated, or no longer has the mentor role."""
        if self.assignment is None:
            return False
        user = self.assignment.mentor.user
        return not user.is_active or not user.has_role(StaffRole.MENTOR)


@dataclass(frozen=True)
class Suggestion:
    profile: MentorProfile
    matches_track: bool

    @property
    def is_full(self) -> bool:
        return self.profile.places_left <= 0


@dataclass(frozen=True)
class Mentee:
    """One of a mentor's apprentices, with the latest entry in their log."""

    application: Application
    offer: Offer | None
    assignment: MentorAssignment
    last_entry: MentoringLogEntry | None


@dataclass(frozen=True)
class MentorPanel:
    """What the staff application page shows about a hired apprentice's mentor."""

    application: Application
    offer: Offer | None
    current: MentorAssignment | None
    # Earlier assignments, most recently ended first.
    history: list[MentorAssignment]
    last_entry: MentoringLogEntry | None


def _mentor_users():
    return (
        select(User)
        .join(UserRole)
        .where(User.is_active.is_(True), UserRole.role == StaffRole.MENTOR)
    )


def mentors() -> list[Mentor]:
    """Every active user with the mentor role, with their profile if they have one."""
    rows = db.session.execute(
        _mentor_users()
        .add_columns(MentorProfile)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .options(selectinload(MentorProfile.tracks), selectinload(User.partner_organisation))
        .order_by(User.name, User.id)
    ).all()
    return [Mentor(user=user, profile=profile) for user, profile in rows]


def managed_mentors(user: User) -> Select:
    """The active mentors ``user`` may set up: every one for HR, none for anyone else."""
    query = _mentor_users()
    return query if can(user, Permission.MANAGE_MENTORS) else query.where(False)


def profile_for(user: User) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))


def _live(application_id):
    return and_(
        MentorAssignment.application_id == application_id, MentorAssignment.ended_at.is_(None)
    )


def _hired():
    return select(Application).where(Application.status == Status.HIRED)


def managed_apprentices(user: User) -> Select:
    """The hired apprentices ``user`` may assign mentors to: all for HR, none otherwise."""
    query = _hired().options(selectinload(Application.role).selectinload(Role.track))
    return query if can(user, Permission.MANAGE_MENTORS) else query.where(False)


def apprentices() -> list[Apprentice]:
    """Every hired apprentice: those without a mentor first, then by start date and name."""
    rows = db.session.execute(
        _hired()
        .add_columns(Offer, MentorAssignment)
        .outerjoin(Offer, Offer.application_id == Application.id)
        .outerjoin(MentorAssignment, _live(Application.id))
        .options(
            selectinload(Application.role).selectinload(Role.track),
            selectinload(Application.applicant),
            selectinload(MentorAssignment.mentor).selectinload(MentorProfile.user),
        )
        .order_by(
            MentorAssignment.id.is_not(None),
            Offer.starts_on,
            Application.full_name,
            Application.id,
        )
    ).all()
    return [Apprentice(application=a, offer=o, assignment=m) for a, o, m in rows]


def unassigned_count() -> int:
    """Hired apprentices who have no mentor, for the staff home page."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Application)
            .outerjoin(MentorAssignment, _live(Application.id))
            .where(Application.status == Status.HIRED, MentorAssignment.id.is_(None))
        )
        or 0
    )


def history(application: Application) -> list[MentorAssignment]:
    """Every assignment, live or ended, newest first."""
    return list(
        db.session.scalars(
            select(MentorAssignment)
            .where(MentorAssignment.application_id == application.id)
            .options(selectinload(MentorAssignment.mentor).selectinload(MentorProfile.user))
            .order_by(MentorAssignment.assigned_at.desc(), MentorAssignment.id.desc())
        )
    )


def suggestions(application: Application, *, exclude: int | None = None) -> list[Suggestion]:
    """Mentors who could take this apprentice, best first: those with a free place, then
    those who know the role's track, then those with the most free places, then by name.
    Full mentors come last, so HR sees why they are not offered."""
    profiles = db.session.scalars(
        select(MentorProfile)
        .join(User, MentorProfile.user_id == User.id)
        .where(User.id.in_(_mentor_users().with_only_columns(User.id)))
        .options(selectinload(MentorProfile.tracks), selectinload(MentorProfile.user))
    ).all()
    track_id = application.role.track_id
    found = [
        Suggestion(profile=p, matches_track=any(t.id == track_id for t in p.tracks))
        for p in profiles
        if p.id != exclude
    ]
    return sorted(
        found,
        key=lambda s: (
            s.is_full,
            not s.matches_track,
            -s.profile.places_left,
            s.profile.user.name.casefold(),
            s.profile.id,
        ),
    )


def _mentees(user: User):
    return (
        _hired()
        .join(MentorAssignment, _live(Application.id))
        .join(MentorProfile, MentorProfile.id == MentorAssignment.mentor_id)
        .where(MentorProfile.user_id == user.id)
    )


def mentees_of(user: User) -> Select:
    """The apprentices ``user`` mentors now: anyone else's apprentice is not found."""
    return _mentees(user).options(selectinload(Application.role).selectinload(Role.track))


def mentee_count(user: User) -> int:
    """How many apprentices ``user`` mentors now, for the staff home page."""
    return db.session.scalar(select(func.count()).select_from(_mentees(user).subquery())) or 0


def _last_entries(application_ids: list[int]) -> dict[int, MentoringLogEntry]:
    if not application_ids:
        return {}
    newest = (
        select(
            MentoringLogEntry.id,
            func.row_number()
            .over(
                partition_by=MentoringLogEntry.application_id,
                order_by=(MentoringLogEntry.occurred_on.desc(), MentoringLogEntry.id.desc()),
            )
            .label("rank"),
        )
        .where(MentoringLogEntry.application_id.in_(application_ids))
        .subquery()
    )
    entries = db.session.scalars(
        select(MentoringLogEntry)
        .join(newest, newest.c.id == MentoringLogEntry.id)
        .where(newest.c.rank == 1)
    )
    return {entry.application_id: entry for entry in entries}


def mentees(user: User) -> list[Mentee]:
    """The apprentices ``user`` mentors now, by start date then name."""
    rows = db.session.execute(
        _mentees(user)
        .add_columns(Offer, MentorAssignment)
        .outerjoin(Offer, Offer.application_id == Application.id)
        .options(
            selectinload(Application.role).selectinload(Role.track),
            selectinload(Application.applicant),
        )
        .order_by(Offer.starts_on, Application.full_name, Application.id)
    ).all()
    last = _last_entries([a.id for a, _, _ in rows])
    return [
        Mentee(application=a, offer=o, assignment=m, last_entry=last.get(a.id)) for a, o, m in rows
    ]


def log_entries(application: Application) -> list[MentoringLogEntry]:
    """Every entry for the apprentice, whichever mentor wrote it, newest first."""
    return list(
        db.session.scalars(
            select(MentoringLogEntry)
            .where(MentoringLogEntry.application_id == application.id)
            .order_by(
                MentoringLogEntry.occurred_on.desc(),
                MentoringLogEntry.created_at.desc(),
                MentoringLogEntry.id.desc(),
            )
        )
    )


def mentor_panel(application: Application) -> MentorPanel | None:
    """The current mentor and the history of a hired apprentice; None before they are hired."""
    if application.status is not Status.HIRED:
        return None
    assignments = history(application)
    current = next((a for a in assignments if a.ended_at is None), None)
    return MentorPanel(
        application=application,
        offer=db.session.scalar(select(Offer).where(Offer.application_id == application.id)),
        current=current,
        history=[a for a in assignments if a.ended_at is not None],
        last_entry=_last_entries([application.id]).get(application.id),
    )
