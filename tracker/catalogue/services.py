"""Catalogue verbs. They flush; the caller (a request or a CLI command) commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sqlalchemy import select

from tracker.catalogue.models import Campaign, Criterion, CriterionKind, Role, Track
from tracker.catalogue.schema import CatalogueDocument, RoleEntry
from tracker.extensions import db


@dataclass
class LoadReport:
    campaign: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Campaign {self.campaign!r}"]
        for label, items in (
            ("created", self.created),
            ("updated", self.updated),
            ("unpublished", self.unpublished),
        ):
            out.append(f"  {label}: {len(items)}" + (f" ({', '.join(items)})" if items else ""))
        return out


def _assign(obj: object, values: dict) -> bool:
    """Set the attributes that differ; say whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# How alike two wordings must be (difflib's ratio) to count as one criterion reworded.
REWORDED_SIMILARITY = 0.6


def _most_similar(text: str, candidates: list[Criterion]) -> Criterion | None:
    scored = [(SequenceMatcher(None, text, c.text).ratio(), c) for c in candidates]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best and best[0] >= REWORDED_SIMILARITY else None


def _sync_criteria(role: Role, entry: RoleEntry) -> bool:
    """Bring the role's criteria in line with the file, keeping ids where the meaning is kept.

    Later stages score candidates against criterion ids, so an unchanged criterion keeps its
    id even if it moves or another is deleted (matched by its text first); a criterion whose
    wording was edited keeps its id (matched to the most similar leftover of its kind);
    anything else is deleted or created.
    """
    wanted = [(CriterionKind.ESSENTIAL, i, t) for i, t in enumerate(entry.essential_criteria)]
    wanted += [(CriterionKind.DESIRABLE, i, t) for i, t in enumerate(entry.desirable_criteria)]
    unmatched = list(role.criteria)
    placed: list[tuple[Criterion | None, CriterionKind, int, str]] = []
    left = []
    for kind, position, text in wanted:
        same = next((c for c in unmatched if c.kind is kind and c.text == text), None)
        if same is None:
            left.append((kind, position, text))
        else:
            unmatched.remove(same)
            placed.append((same, kind, position, text))
    for kind, position, text in left:
        edited = _most_similar(text, [c for c in unmatched if c.kind is kind])
        if edited is not None:
            unmatched.remove(edited)
        placed.append((edited, kind, position, text))

    changed = bool(unmatched)
    for gone in unmatched:
        role.criteria.remove(gone)
    if unmatched or any(c is not None and c.position != p for c, _, p, _ in placed):
        # Positions are unique per role: park the survivors out of the way before renumbering.
        for criterion, *_ in placed:
            if criterion is not None:
                criterion.position = -1 - criterion.id
        db.session.flush()
    for criterion, kind, position, text in placed:
        if criterion is None:
            role.criteria.append(Criterion(kind=kind, position=position, text=text))
            changed = True
        elif (criterion.position, criterion.text) != (position, text):
            criterion.position, criterion.text = position, text
            changed = True
    return changed


def load_catalogue(*, document: CatalogueDocument) -> LoadReport:
    """Create or update the campaign, tracks and roles a catalogue file describes.

    Idempotent: entries are matched by slug, so loading the same file again changes nothing.
    Roles of this campaign missing from the file are unpublished rather than deleted.
    """
    report = LoadReport(campaign=document.campaign.name)
    campaign = _load_campaign(document, report)
    tracks = _load_tracks(document, report)
    db.session.flush()
    _load_roles(document, campaign, tracks, report)
    db.session.flush()
    return report


def _load_campaign(document: CatalogueDocument, report: LoadReport) -> Campaign:
    entry = document.campaign
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == entry.slug))
    campaign_values = {
        "name": entry.name,
        "summary": entry.summary,
        "opens_on": entry.opens,
        "closes_on": entry.closes,
        "expected_start_on": entry.expected_start,
        "retention_months": entry.retention_months,
    }
    if campaign is None:
        campaign = Campaign(slug=entry.slug, **campaign_values)
        db.session.add(campaign)
        report.created.append(f"campaign {entry.slug}")
    elif _assign(campaign, campaign_values):
        report.updated.append(f"campaign {entry.slug}")
    return campaign


def _load_tracks(document: CatalogueDocument, report: LoadReport) -> dict[str, Track]:
    """The file's tracks by slug, created or updated."""
    tracks: dict[str, Track] = {
        t.slug: t
        for t in db.session.scalars(
            select(Track).where(Track.slug.in_([t.slug for t in document.tracks]))
        )
    }
    for position, track_entry in enumerate(document.tracks):
        values = {"name": track_entry.name, "summary": track_entry.summary, "position": position}
        track = tracks.get(track_entry.slug)
        if track is None:
            track = tracks[track_entry.slug] = Track(slug=track_entry.slug, **values)
            db.session.add(track)
            report.created.append(f"track {track_entry.slug}")
        elif _assign(track, values):
            report.updated.append(f"track {track_entry.slug}")
    return tracks


def _load_roles(
    document: CatalogueDocument, campaign: Campaign, tracks: dict[str, Track], report: LoadReport
) -> None:
    """Create or update the file's roles; unpublish the campaign's roles it leaves out."""
    existing = {r.slug: r for r in campaign.roles} if campaign.id else {}
    for position, role_entry in enumerate(document.roles):
        values = _role_values(role_entry, tracks[role_entry.track], position)
        role = existing.pop(role_entry.slug, None)
        if role is None:
            role = Role(campaign=campaign, slug=role_entry.slug, **values)
            db.session.add(role)
            _sync_criteria(role, role_entry)
            report.created.append(f"role {role_entry.slug}")
        else:
            changed = _assign(role, values)
            if _sync_criteria(role, role_entry) or changed:
                report.updated.append(f"role {role_entry.slug}")

    for role in existing.values():
        if role.is_published:
            role.is_published = False
            report.unpublished.append(f"role {role.slug}")


def _role_values(role_entry: RoleEntry, track: Track, position: int) -> dict:
    return {
        "track": track,
        "title": role_entry.title,
        "level": role_entry.level,
        "standard": role_entry.standard,
        "openings": role_entry.openings,
        "location": role_entry.location,
        "hours": role_entry.hours,
        "salary": role_entry.salary,
        "summary": role_entry.summary,
        "duties": list(role_entry.duties),
        "closes_on_override": role_entry.closes,
        "position": position,
        "is_published": True,
    }
