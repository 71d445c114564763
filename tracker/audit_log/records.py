"""The names of the records a page of events is about, in one query per kind of record.

An application is named by its reference (never its applicant), a user by their name, a
share by its organisation and purpose. A record that is gone (an erased applicant) has no
name, so its sentence says what kind of record it was and has no link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from tracker.accounts.models import PartnerOrganisation, User
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.audit.models import AuditEvent
from tracker.audit_log import sentences
from tracker.catalogue.models import Campaign, Role, Track
from tracker.extensions import db
from tracker.formatting import long_datetime
from tracker.partners.models import Share
from tracker.scheduling.models import Slot

Key = tuple[str, str]


def _applications(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Application.id, Application.reference).where(Application.id.in_(ids))
    )
    # A draft has no reference yet: it is named as one.
    return {i: reference or sentences.DRAFT for i, reference in rows}


def _users(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()
    )


def _roles(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(select(Role.id, Role.title).where(Role.id.in_(ids))).tuples().all()
    )


def _tracks(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Track.id, Track.name).where(Track.id.in_(ids)))
    return {i: f"every role in {name}" for i, name in rows}


def _campaigns(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(select(Campaign.id, Campaign.name).where(Campaign.id.in_(ids)))
        .tuples()
        .all()
    )


def _shares(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Share.id, Share.purpose, PartnerOrganisation.name)
        .join(PartnerOrganisation, PartnerOrganisation.id == Share.organisation_id)
        .where(Share.id.in_(ids))
    )
    return {i: f"the share “{purpose}” with {name}" for i, purpose, name in rows}


def _organisations(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(PartnerOrganisation.id, PartnerOrganisation.name).where(
            PartnerOrganisation.id.in_(ids)
        )
    )
    return dict(rows.tuples())


def _slots(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Slot.id, Slot.kind, Slot.starts_at).where(Slot.id.in_(ids)))
    return {
        i: f"the {kind.label.lower()} slot at {long_datetime(starts_at)}"
        for i, kind, starts_at in rows
    }


def _applicants(ids: list[int]) -> dict[int, str]:
    found = db.session.scalars(select(Applicant.id).where(Applicant.id.in_(ids)))
    return {i: f"applicant {i}" for i in found}


_LOOKUPS: dict[str, Callable[[list[int]], dict[int, str]]] = {
    "application": _applications,
    "user": _users,
    "staff_user": _users,
    "role": _roles,
    "track": _tracks,
    "campaign": _campaigns,
    "partner_share": _shares,
    "slot": _slots,
    "partner_organisation": _organisations,
    "applicant": _applicants,
}


def names(events: Iterable[AuditEvent]) -> dict[Key, str]:
    """{(object_type, object_id): the record's name} for the records these events are about."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        object_id = event.object_id or ""
        if event.object_type in _LOOKUPS and object_id.isdigit():
            wanted[event.object_type].add(int(object_id))
    found: dict[Key, str] = {}
    for kind, ids in wanted.items():
        for i, name in _LOOKUPS[kind](sorted(ids)).items():
            found[(kind, str(i))] = name
    return found


@dataclass(frozen=True)
class Row:
    """One event as a person reads it."""

    event: AuditEvent
    person: str
    label: str
    sentence: sentences.Sentence
    record: str | None  # the record's kind and id: "application 12"
    reference: str | None  # its name: the application's reference, the user's name


def rows(events: list[AuditEvent]) -> list[Row]:
    """The events, each with its person, sentence and record, in a few queries in all."""
    found = names(events)
    people = _users(sorted({e.actor_id for e in events if e.actor_id}))
    result = []
    for event in events:
        known = people.get(event.actor_id) if event.actor_id is not None else None
        person = sentences.person(event.action, event.actor_id, event.actor_label, known)
        name = (
            found.get((event.object_type, event.object_id))
            if event.object_type and event.object_id is not None
            else None
        )
        sentence = sentences.describe(
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=event.details,
            actor=person,
            record=name,
        )
        record = (
            f"{event.object_type.replace('_', ' ')} {event.object_id}"
            if event.object_type
            else None
        )
        result.append(Row(event, person, sentences.label(event.action), sentence, record, name))
    return result
