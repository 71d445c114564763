"""Panel packs: what an assessment or interview panel takes into the room, as a printable page
and a PDF, for one slot or a day. Only the panel (their own slots) and HR get one; it shows
the adjustments candidates asked for, never equality answers or a date of birth; every view
and download is in the audit log."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import (
    ApplicationFactory,
    EqualityAnswersFactory,
    RoleFactory,
    SlotFactory,
    UserFactory,
)
from tests.helpers import sign_in_as
from tests.mentoring.factories import MentorProfileFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.questions import phrase
from tracker.applications.states import Status
from tracker.audit import records
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.scheduling import packs, pdf
from tracker.scheduling.models import Booking, SlotKind
from tracker.screening.scorecards import SCALE

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


def _at(day: date, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=clock.UK)


def _book(slot, application) -> Booking:
    booking = Booking(
        slot_id=slot.id, application_id=application.id, kind=slot.kind, booked_at=clock.utcnow()
    )
    slot.booked += 1
    db.session.add(booking)
    db.session.flush()
    return booking


def _candidate(role, name: str, reference: str, **values):
    return ApplicationFactory(
        role=role,
        submitted=True,
        status=Status.INTERVIEW,
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


@pytest.fixture
def day() -> Day:
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
    ten = SlotFactory(role=role, starts_at=_at(on, "10:00"), panel=[ann], place="Room 2")
    eleven = SlotFactory(role=role, starts_at=_at(on, "11:00"), panel=[ben], place="Room 3")
    nine = SlotFactory(role=role, starts_at=_at(on, "09:00"), panel=[ann, hr], place="Room 1")
    asked = _candidate(
        role,
        "Priya Shah",
        "PACK-0002",
        needs_adjustments=True,
        adjustments=ADJUSTMENT,
        date_of_birth=BORN,
    )
    plain = _candidate(
        role,
        "Tom Hughes",
        "PACK-0001",
        needs_adjustments=False,
        # Typed, then "No" chosen: not an adjustment to make.
        adjustments="Left over from a changed answer",
        date_of_birth=BORN,
    )
    late = _candidate(role, "Zainab Ali", "PACK-0003", date_of_birth=BORN)
    for application in (asked, plain, late):
        EqualityAnswersFactory(application_id=application.id, **EQUALITY)
    _book(ten, asked)
    _book(nine, plain)
    _book(eleven, late)
    return Day(role, on, hr, ann, ben, other, nine, ten, eleven, asked, plain, late)


def _as(app, user):
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _pdf_text(client, path: str) -> tuple[PdfReader, list[str]]:
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


def _flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (PDF text wraps)."""
    return " ".join(text.split())


def test_a_panel_member_gets_the_pack_for_their_own_slots_only(app, day):
    ann = _as(app, day.ann)

    page = _page(ann, day.path)

    assert "<title>Panel pack: interviews for Data analyst apprentice" in page
    assert "Priya Shah (PACK-0002)" in page and "Tom Hughes (PACK-0001)" in page
    assert "Zainab Ali" not in page and "PACK-0003" not in page and "Room 3" not in page
    assert page.count("data-candidate=") == 2
    assert _page(ann, f"/staff/slots/{day.ten.id}/pack").count("data-candidate=") == 1
    for path in (f"/staff/slots/{day.eleven.id}/pack", f"/staff/slots/{day.eleven.id}/pack.pdf"):
        assert ann.get(path).status_code == 404

    ben = _as(app, day.ben)
    assert "Zainab Ali (PACK-0003)" in _page(ben, day.path)
    assert "Priya Shah" not in _page(ben, day.path)


def test_another_manager_a_partner_and_a_mentor_get_no_pack(app, day):
    paths = [
        day.path,
        day.path + ".pdf",
        f"/staff/slots/{day.nine.id}/pack",
        f"/staff/slots/{day.nine.id}/pack.pdf",
    ]
    partner = UserFactory(roles=[StaffRole.PARTNER])
    mentor = MentorProfileFactory(tracks=[day.role.track]).user
    for person in (day.other, partner, mentor):
        client = _as(app, person)
        for path in paths:
            assert client.get(path).status_code == 404, (person.name, path)


def test_hr_gets_every_slot_of_the_day(app, day):
    hr = _as(app, day.hr)

    page = _page(hr, day.path)

    assert page.count("data-candidate=") == 3
    assert "Zainab Ali (PACK-0003)" in page
    assert _page(hr, f"/staff/slots/{day.eleven.id}/pack").count("data-candidate=") == 1


def test_a_day_is_one_role_one_kind_one_date(app, day):
    hr = _as(app, day.hr)
    next_day = day.day + timedelta(days=1)
    SlotFactory(role=day.role, starts_at=_at(next_day, "09:00"), place="Tomorrow room")
    SlotFactory(
        role=day.role, kind=SlotKind.ASSESSMENT, starts_at=_at(day.day, "14:00"), place="Hall"
    )
    SlotFactory(role=RoleFactory(), starts_at=_at(day.day, "15:00"), place="Other role room")

    page = _page(hr, day.path)

    for absent in ("Tomorrow room", "Hall", "Other role room"):
        assert absent not in page
    assessments = day.path.replace("/interview/", "/assessment/")
    assert "Hall" in _page(hr, assessments)
    for wrong in ("2027-2-3", "20270203", "2027-W05-3", "tomorrow", "2027-02-30"):
        assert hr.get(f"/staff/roles/{day.role.id}/days/{wrong}/interview/pack").status_code == 404
    assert hr.get(day.path.replace("/interview/", "/references/")).status_code == 404
    empty = f"/staff/roles/{day.role.id}/days/{(day.day + timedelta(days=2)).isoformat()}"
    assert hr.get(empty + "/interview/pack").status_code == 404


def test_adjustments_for_those_who_asked_and_no_equality_data_or_date_of_birth(app, day):
    hr = _as(app, day.hr)
    page = _page(hr, day.path)
    _, pages = _pdf_text(hr, day.path + ".pdf")
    document = _flat(" ".join(pages))

    sections = dict(re.findall(r'data-candidate="([^"]+)"(.*?)</section>', page, re.S))
    assert ADJUSTMENT in sections["PACK-0002"] and "data-adjustments" in sections["PACK-0002"]
    for reference in ("PACK-0001", "PACK-0003"):
        assert "None asked for." in sections[reference]
        assert "data-adjustments" not in sections[reference]
    assert "Left over from a changed answer" not in page
    assert ADJUSTMENT in document
    assert "Left over from a changed answer" not in document
    for text in (page, document):
        for answer in EQUALITY.values():
            assert answer not in text
        for shown in BORN_SHOWN:
            assert shown not in text
        for application in (day.asked, day.plain, day.late):
            assert application.applicant.email not in text
            assert application.phone not in text and application.postcode not in text


def test_each_candidates_page_has_every_question_the_guide_and_room_for_notes(app, day):
    page = _page(_as(app, day.ann), day.path)

    sections = re.findall(r'data-candidate="[^"]+"(.*?)</section>', page, re.S)
    assert len(sections) == 2
    for section in sections:
        text = _flat(html.unescape(re.sub(r"<[^>]+>", " ", section)))
        for number, criterion in enumerate([*ESSENTIAL, DESIRABLE], start=1):
            question, _hint = phrase(criterion)
            kind = "Essential" if number <= len(ESSENTIAL) else "Desirable"
            assert f"{number}. {kind}: {criterion}" in text
            assert f"Ask: {question}" in text
        assert text.count(packs.FOLLOW_UPS[CriterionKind.ESSENTIAL]) == 2
        assert text.count(packs.FOLLOW_UPS[CriterionKind.DESIRABLE]) == 1
        assert "For example a spreadsheet that gives the wrong total." in text
        for score, label in SCALE.items():
            assert f"{score}: {label} {packs.MEANINGS[score]}" in text
        assert packs.BAR in text
        assert section.count('class="app-pack__line"') == 3 * packs.NOTE_LINES
        assert section.count('class="app-pack__box"') == 3 * 4


def test_the_cover_sheet_lists_the_timetable_in_time_order_without_cancellations(app, day):
    hr = _as(app, day.hr)
    twelve = SlotFactory(role=day.role, starts_at=_at(day.day, "12:00"), place="Gone room")
    twelve.cancelled_at = clock.utcnow()
    withdrawn = _candidate(day.role, "Will Drawn", "PACK-0009")
    _book(day.ten, withdrawn)
    withdrawn.status = Status.WITHDRAWN
    withdrawn.withdrawn_at = clock.utcnow()
    withdrawn.withdrawal_reason = "found_another_job"
    cancelled = _candidate(day.role, "Carl Cancelled", "PACK-0008")
    _book(day.eleven, cancelled).cancelled_at = clock.utcnow()
    db.session.flush()

    page = _page(hr, day.path)

    rows = re.findall(r'data-timetable-slot="(\d+)".*?</tr>', page, re.S)
    assert rows == [str(day.nine.id), str(day.ten.id), str(day.eleven.id)]
    cover = page.split('class="app-pack__candidate"')[0]
    assert cover.index("09:00 to 09:45") < cover.index("10:00 to 10:45") < cover.index("11:00")
    assert cover.index("Tom Hughes (PACK-0001)") < cover.index("Priya Shah (PACK-0002)")
    assert "Room 1" in cover and "Ann Lee, Hana Reed" in cover
    for absent in ("Gone room", "Will Drawn", "PACK-0009", "Carl Cancelled", "PACK-0008"):
        assert absent not in page
    assert "Not in this pack: 1 candidate booked for these times who has since withdrawn" in page
    assert f'href="/staff/slots/{twelve.id}/pack"' not in page
    assert hr.get(f"/staff/slots/{twelve.id}/pack").status_code == 404


def test_an_empty_slot_is_on_the_timetable_as_nobody_booked(app, day):
    SlotFactory(role=day.role, starts_at=_at(day.day, "15:00"), panel=[day.ann], place="Room 9")

    page = _page(_as(app, day.ann), day.path)

    assert re.search(r"15:00 to 15:45.*?Nobody booked.*?Room 9", page, re.S)


def test_a_name_blind_candidate_appears_by_reference_only(app, day):
    day.plain.status = Status.SIFT  # booked, then moved back to the sift
    db.session.flush()

    for person in (day.ann, day.hr):
        page = _page(_as(app, person), day.path)
        assert "PACK-0001" in page and "Tom Hughes" not in page
        assert "Priya Shah (PACK-0002)" in page


def test_views_and_downloads_are_audited(app, day):
    ann = _as(app, day.ann)
    _page(ann, day.path)
    _pdf_text(ann, f"/staff/slots/{day.ten.id}/pack.pdf")

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("panel_pack.%"))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()

    assert [(e.action, e.object_type, e.object_id, e.actor_id) for e in events] == [
        ("panel_pack.viewed", "role", str(day.role.id), day.ann.id),
        ("panel_pack.downloaded", "slot", str(day.ten.id), day.ann.id),
    ]
    assert events[0].details == {
        "day": day.day.isoformat(),
        "kind": "interview",
        "slots": [day.nine.id, day.ten.id],
        "candidates": 2,
    }
    sentences = [row.sentence.text for row in records.rows(events)]
    assert sentences[0] == (
        f"Ann Lee viewed the panel pack for the interviews for Data analyst apprentice on "
        f"{day.day.day} {day.day:%B %Y} (2 candidates)"
    )
    assert sentences[1].startswith("Ann Lee downloaded the PDF of the panel pack for the ")
    assert sentences[1].endswith("(1 candidate)")


LABELS = ["Tom Hughes (PACK-0001)", "Priya Shah (PACK-0002)", "Zainab Ali (PACK-0003)"]


def _candidates_by_page(pages: list[str]) -> list[list[str]]:
    return [[label for label in LABELS if label in _flat(text)] for text in pages]


def test_the_pdf_has_a_cover_then_a_page_per_candidate(app, day):
    """With one criterion, each candidate's questions, guide and notes fit on one A4 page."""
    for criterion in list(day.role.criteria)[1:]:
        day.role.criteria.remove(criterion)
    db.session.flush()

    reader, pages = _pdf_text(_as(app, day.hr), day.path + ".pdf")

    assert len(reader.pages) == 1 + 3
    cover = _flat(pages[0])
    assert "Timetable" in cover and "Panel pack: confidential" in cover
    assert "Scoring guide" not in cover
    assert cover.index(LABELS[0]) < cover.index(LABELS[1]) < cover.index(LABELS[2])
    assert _candidates_by_page(pages[1:]) == [[label] for label in LABELS]
    for number, text in enumerate(pages[1:], start=2):
        flat = _flat(text)
        assert "Scoring guide" in flat and "1. Essential:" in flat
        assert f"Page {number} of 4" in flat


def test_each_candidate_starts_a_new_page_however_long_their_questions(app, day):
    for position in range(1, 7):
        day.role.criteria.append(
            Criterion(
                kind=CriterionKind.DESIRABLE,
                position=position,
                text=f"You have shown interest number {position} in data " + "words " * 20,
            )
        )
    db.session.flush()

    _, pages = _pdf_text(_as(app, day.hr), day.path + ".pdf")

    on_page = _candidates_by_page(pages)
    assert "Scoring guide" not in pages[0]
    # After the cover, every page is one candidate's (named at its top), in timetable order,
    # each candidate's pages together: a page break before each, none inside one.
    assert all(len(names) == 1 for names in on_page[1:])
    runs = [names[0] for i, names in enumerate(on_page[1:]) if i == 0 or names != on_page[i]]
    assert runs == LABELS
    assert len(pages) > 1 + 3
    assert "9. Desirable: You have shown interest number 6" in _flat(" ".join(pages[1:]))


def test_without_weasyprint_the_page_works_and_says_so(app, day, monkeypatch):
    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    ann = _as(app, day.ann)

    page = _page(ann, day.path)
    response = ann.get(day.path + ".pdf")

    assert 'id="no-pdf"' in page and "A PDF of this pack is not available" in page
    assert ".pdf" not in page
    assert response.status_code == 302 and response.location.endswith(day.path)
    following = _page(ann, day.path)
    assert "Print this page instead" in following
    downloads = select(AuditEvent).where(AuditEvent.action == "panel_pack.downloaded")
    assert db.session.scalars(downloads).all() == []


def test_a_pack_too_big_for_one_pdf_is_printed_or_downloaded_a_time_at_a_time(
    app, day, monkeypatch
):
    monkeypatch.setattr(packs, "MOST_IN_A_PDF", 2)
    hr = _as(app, day.hr)

    page = _page(hr, day.path)
    response = hr.get(day.path + ".pdf")

    assert "This pack has 3 candidates: too many for one PDF (at most 2)" in page
    assert 'href="' + day.path + '.pdf"' not in page
    for slot in (day.nine, day.ten, day.eleven):
        assert f'href="/staff/slots/{slot.id}/pack"' in page
    assert response.status_code == 302 and response.location.endswith(day.path)
    assert "more than one PDF can hold (2)" in _page(hr, day.path)
    assert f'href="/staff/slots/{day.ten.id}/pack.pdf"' in _page(
        hr, f"/staff/slots/{day.ten.id}/pack"
    )
    downloads = select(AuditEvent).where(AuditEvent.action == "panel_pack.downloaded")
    assert db.session.scalars(downloads).all() == []


def test_the_panel_reaches_the_packs_from_the_slot_and_interviews_pages(app, day):
    ann, other = _as(app, day.ann), _as(app, day.other)
    slot_page = f"/staff/slots/{day.ten.id}"

    assert f'href="{slot_page}/pack"' in _page(ann, slot_page)
    assert f'href="{day.path}"' in _page(ann, slot_page)
    assert "/pack" not in _page(other, slot_page)
    interviews = _page(ann, "/staff/interviews")
    assert f'href="/staff/slots/{day.ten.id}/pack"' in interviews
    assert f'href="/staff/slots/{day.eleven.id}/pack"' not in interviews
    assert interviews.count(f'href="{day.path}"') == 1
    assert "/pack" not in _page(other, "/staff/interviews")
    hr_interviews = _page(_as(app, day.hr), "/staff/interviews")
    assert f'href="/staff/slots/{day.eleven.id}/pack"' in hr_interviews


def test_whats_needs_doing_links_todays_packs(app, day):
    later_today = clock.utcnow() + timedelta(minutes=5)
    if later_today.astimezone(clock.UK).date() != clock.today():
        pytest.skip("too close to midnight for a slot later today")
    today_slot = SlotFactory(role=day.role, starts_at=later_today, panel=[day.ben])
    path = f"/staff/roles/{day.role.id}/days/{clock.today().isoformat()}/interview/pack"

    assert f'href="{path}"' in _page(_as(app, day.ben), "/staff/")
    assert f'href="{path}"' in _page(_as(app, day.hr), "/staff/")
    assert "Panel packs for today" not in _page(_as(app, day.ann), "/staff/")
    assert _page(_as(app, day.ben), path).count("data-candidate=") == 0
    assert today_slot.id
