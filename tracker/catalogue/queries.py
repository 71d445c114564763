"""Read-only questions the public pages ask of the catalogue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.catalogue.models import LEVELS, Campaign, Role, Track
from tracker.extensions import db


def current_campaign(today: date) -> Campaign | None:
    """The campaign applicants should see: the latest to have opened, else the next to open."""
    opened = db.session.scalar(
        select(Campaign).where(Campaign.opens_on <= today).order_by(Campaign.opens_on.desc())
    )
    if opened is not None:
        return opened
    return db.session.scalar(
        select(Campaign).where(Campaign.opens_on > today).order_by(Campaign.opens_on)
    )


def published_roles(campaign: Campaign) -> list[Role]:
    return list(
        db.session.scalars(
            select(Role)
            .where(Role.campaign_id == campaign.id, Role.is_published.is_(True))
            .options(selectinload(Role.track), selectinload(Role.campaign))
            .order_by(Role.position)
        )
    )


def find_published_role(campaign: Campaign, slug: str) -> Role | None:
    return db.session.scalar(
        select(Role)
        .where(Role.campaign_id == campaign.id, Role.slug == slug, Role.is_published.is_(True))
        .options(selectinload(Role.criteria), selectinload(Role.track))
    )


def find_current_role(slug: str, today: date) -> Role | None:
    """A published role of the campaign applicants see today."""
    campaign = current_campaign(today)
    return find_published_role(campaign, slug) if campaign else None


def tracks_in_order() -> list[Track]:
    return list(db.session.scalars(select(Track).order_by(Track.position, Track.name)))


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class RoleListing:
    roles: list[Role]
    openings: int
    track_options: list[FacetOption]
    level_options: list[FacetOption]
    total_roles: int
    total_openings: int

    @property
    def is_filtered(self) -> bool:
        return any(o.selected for o in (*self.track_options, *self.level_options))


def list_roles(
    campaign: Campaign, *, track_slugs: Sequence[str] = (), levels: Sequence[int] = ()
) -> RoleListing:
    """Roles matching the filters, with counts per option as facets show them.

    Each option's count applies the *other* filter only, so a reader can see what choosing
    that option would give.
    """
    everything = published_roles(campaign)
    wanted_tracks, wanted_levels = set(track_slugs), set(levels)

    def track_ok(role: Role) -> bool:
        return not wanted_tracks or role.track.slug in wanted_tracks

    def level_ok(role: Role) -> bool:
        return not wanted_levels or role.level in wanted_levels

    matching = [r for r in everything if track_ok(r) and level_ok(r)]
    per_track = Counter(r.track.slug for r in everything if level_ok(r))
    per_level = Counter(r.level for r in everything if track_ok(r))
    tracks = [t for t in tracks_in_order() if any(r.track_id == t.id for r in everything)]
    return RoleListing(
        roles=matching,
        openings=sum(r.openings for r in matching),
        track_options=[
            FacetOption(t.slug, t.name, per_track[t.slug], t.slug in wanted_tracks) for t in tracks
        ],
        level_options=[
            FacetOption(str(level), f"Level {level}", per_level[level], level in wanted_levels)
            for level in LEVELS
        ],
        total_roles=len(everything),
        total_openings=sum(r.openings for r in everything),
    )
