"""Panel packs: what an assessment or interview panel takes into the room, for one slot or for
a day (a role's live slots of one kind on one UK date, as ``create_day`` makes them).

A pack is a cover sheet with the day's timetable, then one page per booked candidate: their
time and place, the adjustments to make for them, a question for each of the role's criteria
with a follow-up, the 1 to 4 scoring guide the scorecards use, and room for notes.

Who gets one: whoever runs the slot (queries.py: HR, who arrange the day, and the people on its
panel while its role is in their scope); for a day, a panel member gets the slots they sit on
and no others. Anyone else finds no such pack (404). A
candidate is named only where ``identity.shown_among`` shows them, else by reference; the pack
never reads equality answers, nor the date of birth, nor contact details. Reads only: the
views record each view and download in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.applications.questions import phrase
from tracker.applications.states import Status
from tracker.catalogue.models import Criterion, CriterionKind, Role
from tracker.clock import UK
from tracker.extensions import db
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.scheduling.queries import run_by, runs_which
from tracker.scheduling.slots import clock
from tracker.screening.identity import shown_among
from tracker.screening.scorecards import MEETS, SCALE

# What each score means, in the words a panel member reads before writing one down. The labels
# are the scorecards' own (SCALE), so a pack's notes copy straight into a scorecard.
MEANINGS = {
    1: "No example, or an example that does not show the criterion.",
    2: "An example that shows part of the criterion, with clear gaps.",
    3: "A clear example that shows the criterion in full, with what the candidate did.",
    4: "A clear, well-chosen example that goes beyond the criterion: what they did, why, "
    "and what happened as a result.",
}
GUIDE = [(score, SCALE[score], MEANINGS[score]) for score in sorted(SCALE)]
BAR = f"A criterion is met when the panel's average score is {MEETS} ({SCALE[MEETS]}) or more."

# An essential criterion probes the candidate's own part in their example; a desirable one is
# something an apprentice may not have yet, so its follow-up asks how they would learn it.
FOLLOW_UPS = {
    CriterionKind.ESSENTIAL: "What did you do yourself, and what happened as a result?",
    CriterionKind.DESIRABLE: "If you have not done this yet: how would you go about learning it?",
}
# Ruled lines for notes under each criterion: room for a few sentences by hand.
NOTE_LINES = 5
# WeasyPrint takes a tenth of a second or more a page, more as the file grows, and a candidate
# with a role's usual seven criteria fills three pages: 18 candidates took 10 s and 60 took
# 25 s on a busy two-core machine (docs/performance.md), all that time holding one of
# gunicorn's few sync workers. So a PDF holds a few slots' worth; a bigger pack is printed
# from the browser, or downloaded a time at a time.
MOST_IN_A_PDF = 20
# Still booked, but will not come: left out of the pack and counted on its cover sheet.
GONE = frozenset({Status.WITHDRAWN, Status.UNSUCCESSFUL})


@dataclass(frozen=True)
class PackQuestion:
    number: int
    essential: bool
    criterion: str  # the criterion's own words, which the candidate is scored against
    question: str  # as the application form phrased it (questions.phrase)
    hint: str | None
    follow_up: str


@dataclass(frozen=True)
class PackCandidate:
    slot: Slot
    application: Application
    shown: bool  # whether the candidate's name may be shown to this user

    @property
    def label(self) -> str:
        """The name and reference, or the reference alone while the name is not shown."""
        name = self.application.full_name if self.shown else None
        reference = self.application.reference or "No reference"
        return f"{name} ({reference})" if name else reference

    @property
    def adjustments(self) -> str | None:
        """What to arrange, for a candidate who asked; None for one who did not."""
        adjustments = (self.application.adjustments or "").strip()
        if self.application.needs_adjustments and adjustments:
            return adjustments
        return None


@dataclass(frozen=True)
class TimetableRow:
    slot: Slot
    candidates: list[PackCandidate]


@dataclass(frozen=True)
class Pack:
    role: Role
    kind: SlotKind
    day: date
    slots: list[Slot]
    candidates: list[PackCandidate]  # in timetable order: time, then reference
    questions: list[PackQuestion]
    left_out: int  # live bookings of candidates who have withdrawn or been made unsuccessful
    whole_day: bool

    @property
    def title(self) -> str:
        noun = {SlotKind.ASSESSMENT: "assessment", SlotKind.INTERVIEW: "interview"}[self.kind]
        if self.whole_day:
            return f"Panel pack: {noun}s for {self.role.title}"
        return f"Panel pack: {noun} for {self.role.title} at {clock(self.slots[0].starts_at)}"

    @property
    def timetable(self) -> list[TimetableRow]:
        by_slot: dict[int, list[PackCandidate]] = {}
        for candidate in self.candidates:
            by_slot.setdefault(candidate.slot.id, []).append(candidate)
        return [TimetableRow(slot, by_slot.get(slot.id, [])) for slot in self.slots]

    @property
    def panel(self) -> list[User]:
        """Everyone on any of the pack's slots, once each, by name."""
        people = {m.id: m for s in self.slots for m in s.panel}
        return sorted(people.values(), key=lambda m: (m.name, m.id))

    @property
    def too_big_for_a_pdf(self) -> bool:
        return len(self.candidates) > MOST_IN_A_PDF

    @property
    def each_time_fits(self) -> bool:
        """Whether a day too big for one PDF can be downloaded a time at a time instead: a
        whole day whose every slot fits in one (a single slot too big has no way out but
        printing from the browser)."""
        return self.whole_day and all(
            len(row.candidates) <= MOST_IN_A_PDF for row in self.timetable
        )

    def audit_details(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "kind": self.kind.value,
            "slots": [s.id for s in self.slots],
            "candidates": len(self.candidates),
        }


def questions_for(role: Role) -> list[PackQuestion]:
    """Every criterion of the role, essential first, each as the question the candidate was
    asked on the form (or would be: desirable criteria are phrased the same way)."""
    ordered: list[Criterion] = [*role.essential_criteria, *role.desirable_criteria]
    asked = []
    for number, criterion in enumerate(ordered, start=1):
        question, hint = phrase(criterion.text)
        asked.append(
            PackQuestion(
                number=number,
                essential=criterion.kind is CriterionKind.ESSENTIAL,
                criterion=" ".join(criterion.text.split()),
                question=question,
                hint=hint,
                follow_up=FOLLOW_UPS[criterion.kind],
            )
        )
    return asked


def _live_slots() -> Select:
    return (
        select(Slot)
        .where(Slot.cancelled_at.is_(None))
        .options(selectinload(Slot.panel), joinedload(Slot.role))
        .order_by(Slot.starts_at, Slot.id)
    )


def slot_for(user: User, slot_id: int) -> Slot | None:
    """The live slot, if this user may have its pack."""
    return db.session.scalar(run_by(user, _live_slots().where(Slot.id == slot_id)))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A UK calendar day as a half-open range of instants (23 or 25 hours when the clocks
    change)."""
    start = datetime.combine(day, time(0), tzinfo=UK)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK)
    return start, end


def day_slots_for(user: User, role_id: int, day: date, kind: SlotKind) -> list[Slot]:
    """The role's live slots of this kind on this UK date that the user may have packs for."""
    start, end = day_bounds(day)
    query = _live_slots().where(
        Slot.role_id == role_id, Slot.kind == kind, Slot.starts_at >= start, Slot.starts_at < end
    )
    return list(db.session.scalars(run_by(user, query)).unique())


def build(user: User, slots: list[Slot], *, whole_day: bool) -> Pack:
    """The pack for these slots (one role, one kind, one day), as this user may see it."""
    first = slots[0]
    bookings = db.session.scalars(
        select(Booking)
        .join(Application, Application.id == Booking.application_id)
        .where(Booking.slot_id.in_([s.id for s in slots]), Booking.cancelled_at.is_(None))
        .options(joinedload(Booking.application))
    ).all()
    coming = [b for b in bookings if b.application.status not in GONE]
    shown = shown_among(user, [b.application for b in coming])
    by_id = {s.id: s for s in slots}
    candidates = sorted(
        (PackCandidate(by_id[b.slot_id], b.application, b.application.id in shown) for b in coming),
        key=lambda c: (c.slot.starts_at, c.slot.id, c.application.reference or ""),
    )
    return Pack(
        role=first.role,
        kind=first.kind,
        day=first.starts_at.astimezone(UK).date(),
        slots=slots,
        candidates=candidates,
        questions=questions_for(first.role),
        left_out=len(bookings) - len(coming),
        whole_day=whole_day,
    )


@dataclass(frozen=True)
class DayLink:
    """A day whose pack the user may have: what the links on other pages point to."""

    role: Role
    kind: SlotKind
    day: date
    slots: int


def days_among(user: User, slots: list[Slot]) -> list[DayLink]:
    """The (role, kind, UK date) days of these slots whose pack this user may have, in the
    order of their first slot. ``slots`` must have their panels loaded."""
    found: dict[tuple[int, SlotKind, date], DayLink] = {}
    theirs = runs_which(user, slots)
    for slot in slots:
        if slot.id not in theirs:
            continue
        key = (slot.role_id, slot.kind, slot.starts_at.astimezone(UK).date())
        known = found.get(key)
        found[key] = DayLink(slot.role, slot.kind, key[2], (known.slots if known else 0) + 1)
    return list(found.values())


def days_today(user: User, today: date) -> list[DayLink]:
    """Today's days whose pack this user may have: their own panels', or every one for HR."""
    start, end = day_bounds(today)
    slots = db.session.scalars(
        run_by(user, _live_slots().where(Slot.starts_at >= start, Slot.starts_at < end))
    ).unique()
    return days_among(user, list(slots))
