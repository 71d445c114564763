"""A day of interview slots with a panel pack each, shared by the panel pack tests: three
candidates, one who asked for adjustments, each with equality answers and a date of birth that
no pack may show."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pypdf import PdfReader

from tests.factories import (
    ApplicationFactory,
    EqualityAnswersFactory,
    RoleFactory,
    SlotFactory,
    UserFactory,
)
from tests.helpers import sign_in_as
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.scheduling.models import Booking

ESSENTIAL = [
    "You can work through a problem step by step until it is solved, for example a "
    "spreadsheet that gives the wrong total",
    "You are reliable",
]
DESIRABLE = "Some experience of a programming language"
ADJUSTMENT = "A British Sign Language interpreter, and a room on the ground floor"
# Equality answers and a date of birth no pack may show, each unlike anything else on a page.
EQUALITY = {
    "sex": "Eqsex Zulu",
    "sexual_orientation": "Eqorient Yankee",
    "ethnicity": "Eqethnic Xray",
    "religion": "Eqfaith Whiskey",
    "disability": "Eqdisab Victor",
    "care_experienced": "Eqcare Uniform",
    "free_school_meals": "Eqmeals Tango",
}
BORN = date(2006, 3, 14)
BORN_SHOWN = ("14 March 2006", "2006-03-14", "14/03/2006", "14.03.2006")


def uk_at(day: date, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=clock.UK)


def book(slot, application) -> Booking:
    booking = Booking(
        slot_id=slot.id, application_id=application.id, kind=slot.kind, booked_at=clock.utcnow()
    )
    slot.booked += 1
    db.session.add(booking)
    db.session.flush()
    return booking


def interview_candidate(role, name: str, reference: str, **values):
    return ApplicationFactory(
        role=role,
        interview=True,
        full_name=name,
        reference=reference,
        **values,
    )


@dataclass
class Day:
    role: object
    day: date
    hr: object
    ann: object  # on the 09:00 and 10:00 panels
    ben: object  # on the 11:00 panel
    other: object  # a manager of the same role, on no panel
    nine: object
    ten: object
    eleven: object
    asked: object  # 10:00, asked for adjustments
    plain: object  # 09:00, did not
    late: object  # 11:00

    @property
    def path(self) -> str:
        return f"/staff/roles/{self.role.id}/days/{self.day.isoformat()}/interview/pack"


def make_day() -> Day:
    """Three interview slots on one day: Ann on the 09:00 and 10:00 panels, Ben on the 11:00,
    a candidate booked into each; Cara manages the role and sits on none."""
    role = RoleFactory(title="Data analyst apprentice", criteria=ESSENTIAL)
    role.criteria.append(Criterion(kind=CriterionKind.DESIRABLE, position=0, text=DESIRABLE))
    db.session.flush()
    scoped = {"roles": [StaffRole.HIRING_MANAGER], "tracks": [role.track]}
    ann = UserFactory(name="Ann Lee", **scoped)
    ben = UserFactory(name="Ben Okafor", **scoped)
    other = UserFactory(name="Cara Doyle", **scoped)
    hr = UserFactory(roles=[StaffRole.ADMIN], name="Hana Reed")
    on = clock.today() + timedelta(days=10)
    # Made out of order: the pack lists them by time.
    ten = SlotFactory(role=role, starts_at=uk_at(on, "10:00"), panel=[ann], place="Room 2")
    eleven = SlotFactory(role=role, starts_at=uk_at(on, "11:00"), panel=[ben], place="Room 3")
    nine = SlotFactory(role=role, starts_at=uk_at(on, "09:00"), panel=[ann, hr], place="Room 1")
    asked = interview_candidate(
        role,
        "Priya Shah",
        "PACK-0002",
        needs_adjustments=True,
        adjustments=ADJUSTMENT,
        date_of_birth=BORN,
    )
    plain = interview_candidate(
        role,
        "Tom Hughes",
        "PACK-0001",
        needs_adjustments=False,
        # Typed, then "No" chosen: not an adjustment to make.
        adjustments="Left over from a changed answer",
        date_of_birth=BORN,
    )
    late = interview_candidate(role, "Zainab Ali", "PACK-0003", date_of_birth=BORN)
    for application in (asked, plain, late):
        EqualityAnswersFactory(application_id=application.id, **EQUALITY)
    book(ten, asked)
    book(nine, plain)
    book(eleven, late)
    return Day(role, on, hr, ann, ben, other, nine, ten, eleven, asked, plain, late)


def client_for(app, user):
    client = app.test_client()
    sign_in_as(client, user)
    return client


def get_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def pdf_text(client, path: str) -> tuple[PdfReader, list[str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="panel-pack-\w+-[\d-]+(-\d{4})?\.pdf"',
        response.headers["Content-Disposition"],
    )
    reader = PdfReader(io.BytesIO(response.data))
    return reader, [page.extract_text() for page in reader.pages]


def flattened(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (PDF text wraps)."""
    return " ".join(text.split())
