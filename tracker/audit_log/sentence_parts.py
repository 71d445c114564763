"""What the audit log's sentences (sentences.py) are made of, kept apart so that module stays
one table and the functions that read it: the facts a sentence may use, and the wording of
the sentences that need more than one line (counting in words, stages, panel packs). Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.applications.states import STAFF_LABELS, Status
from tracker.formatting import long_date


@dataclass(frozen=True)
class Facts:
    """What a sentence may use: the record's name (None when it is gone) and the details."""

    object_type: str | None
    object_id: str | None
    details: Mapping[str, Any]
    record: str | None

    @property
    def ref(self) -> str:
        """The record as the sentence names it, or what kind of record it was."""
        if self.record:
            return self.record
        return {
            "application": "an application",
            "user": "a user",
            "staff_user": "a user",
            "applicant": "an applicant",
            "role": "a role",
            "partner_share": "a share",
            "track": "a track",
            "campaign": "a campaign",
            "slot": "a time slot",
            "partner_organisation": "a partner organisation",
        }.get(self.object_type or "", "a record")

    def number(self, key: str) -> int:
        value = self.details.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Action:
    group: str
    label: str  # what the action filter offers: "Made an offer"
    says: Callable[[Facts], str]  # the sentence after the person: "made an offer to 95NY-7G9B"
    # Done by someone not signed in (the typed address is the actor's label).
    anonymous: bool = False


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def pack_sentence(done: str) -> Callable[[Facts], str]:
    """A panel pack seen or downloaded: a slot's, or a day's (the role's slots of one kind)."""

    def says(f: Facts) -> str:
        candidates = plural(f.number("candidates"), "candidate")
        if f.object_type != "role":
            return f"{done} the panel pack for {f.ref} ({candidates})"
        kind = str(f.details.get("kind") or "slot")
        try:
            on = f" on {long_date(date.fromisoformat(str(f.details.get('day'))))}"
        except ValueError:
            on = ""
        return f"{done} the panel pack for the {kind}s for {f.ref}{on} ({candidates})"

    return says


def _stage(value: object) -> str | None:
    try:
        return STAFF_LABELS[Status(value)].lower()
    except ValueError:
        return None


def shortlist_exported(f: Facts) -> str:
    filters = f.details.get("filters") or {}
    # Older events name one stage ("status"); newer ones a list of them ("statuses").
    chosen = filters.get("statuses") or [filters.get("status")]
    stages = [s for s in (_stage(value) for value in chosen if value) if s]
    stage = ", ".join(stages) or "all stages"
    return f"exported a shortlist of {plural(f.number('rows'), 'candidate')} ({f.ref}, {stage})"


def export_template(verb: str) -> Callable[[Facts], str]:
    # The template's name is the user's free text: it stays on the event's own page.
    def says(f: Facts) -> str:
        return f"{verb} a shortlist template of {plural(f.number('columns'), 'column')}"

    return says


def booking_made(f: Facts) -> str:
    verb = "changed the booked time for" if f.details.get("replaces") else "booked a time for"
    return f"{verb} {f.ref}"


def mentor_consent(f: Facts) -> str:
    agreed = "agreed" if f.details.get("consent") else "did not agree"
    return f"{agreed} that a mentor may contact them ({f.ref})"


def condition_met(f: Facts) -> str:
    condition = str(f.details.get("condition") or "a condition").replace("_", " ")
    return f"recorded the {condition} check as met for {f.ref}"


def candidates_searched(f: Facts) -> str:
    blind = f.details.get("name_blind")
    found = plural(f.number("results"), "candidate")
    extra = f", {plural(blind, 'name-blind one')}" if isinstance(blind, int) and blind else ""
    return f"searched the candidates for {f.ref} by name or email and found {found}{extra}"


def report_downloaded(f: Facts) -> str:
    report = str(f.details.get("report") or "a").replace("_", " ")
    return f"downloaded the {report} report for {f.ref}"


def candidates_shared(f: Facts) -> str:
    candidates = plural(f.number("candidates"), "candidate")
    if f.record:
        return f"made {f.record} ({candidates})"
    return f"shared {candidates} with {f.details.get('organisation') or 'a partner'}"


def user_deactivated(f: Facts) -> str:
    ended = f.number("sessions_ended")
    return f"deactivated {f.ref}" + (f" and ended {plural(ended, 'session')}" if ended else "")
