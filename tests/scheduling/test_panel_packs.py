"""What a panel pack holds, as a printable page and a PDF: the adjustments candidates asked
for (never equality answers or a date of birth), every question with the scoring guide and room
for notes, the day's timetable; and what happens when there is no PDF, or the pack is too big."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.factories import HISTORY, SlotFactory
from tests.scheduling.panel_pack_day import (
    ADJUSTMENT,
    BORN_SHOWN,
    DESIRABLE,
    EQUALITY,
    ESSENTIAL,
    Day,
    book,
    client_for,
    flattened,
    get_page,
    interview_candidate,
    make_day,
    pdf_text,
    uk_at,
)
from tracker import clock
from tracker.applications import pipeline
from tracker.applications.questions import phrase
from tracker.applications.states import Event, Status
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.scheduling import packs, pdf
from tracker.screening.scorecards import SCALE


@pytest.fixture
def day() -> Day:
    return make_day()


@pytest.mark.slow  # PDFs
def test_adjustments_for_those_who_asked_and_no_equality_data_or_date_of_birth(app, day):
    hr = client_for(app, day.hr)
    page = get_page(hr, day.path)
    _, pages = pdf_text(hr, day.path + ".pdf")
    document = flattened(" ".join(pages))

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
    page = get_page(client_for(app, day.ann), day.path)

    sections = re.findall(r'data-candidate="[^"]+"(.*?)</section>', page, re.S)
    assert len(sections) == 2
    for section in sections:
        text = flattened(html.unescape(re.sub(r"<[^>]+>", " ", section)))
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
    hr = client_for(app, day.hr)
    twelve = SlotFactory(role=day.role, starts_at=uk_at(day.day, "12:00"), place="Gone room")
    twelve.cancelled_at = clock.utcnow()
    withdrawn = interview_candidate(day.role, "Will Drawn", "PACK-0009")
    book(day.ten, withdrawn)
    pipeline.move(
        withdrawn,
        Event.WITHDRAW,
        actor_label=HISTORY,
        values={"withdrawn_at": clock.utcnow(), "withdrawal_reason": "found_another_job"},
    )
    cancelled = interview_candidate(day.role, "Carl Cancelled", "PACK-0008")
    book(day.eleven, cancelled).cancelled_at = clock.utcnow()
    db.session.flush()

    page = get_page(hr, day.path)

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
    SlotFactory(role=day.role, starts_at=uk_at(day.day, "15:00"), panel=[day.ann], place="Room 9")

    page = get_page(client_for(app, day.ann), day.path)

    assert re.search(r"15:00 to 15:45.*?Nobody booked.*?Room 9", page, re.S)


def test_a_name_blind_candidate_appears_by_reference_only(app, day):
    # Set directly: no move leads back to the sift, but a name-blind candidate may be booked.
    day.plain.status = Status.SIFT  # booked, then moved back to the sift
    db.session.flush()

    for person in (day.ann, day.hr):
        page = get_page(client_for(app, person), day.path)
        assert "PACK-0001" in page and "Tom Hughes" not in page
        assert "Priya Shah (PACK-0002)" in page


LABELS = ["Tom Hughes (PACK-0001)", "Priya Shah (PACK-0002)", "Zainab Ali (PACK-0003)"]


def _candidates_by_page(pages: list[str]) -> list[list[str]]:
    return [[label for label in LABELS if label in flattened(text)] for text in pages]


@pytest.mark.slow  # PDFs
def test_the_pdf_has_a_cover_then_a_page_per_candidate(app, day):
    """With one criterion, each candidate's questions, guide and notes fit on one A4 page."""
    for criterion in list(day.role.criteria)[1:]:
        day.role.criteria.remove(criterion)
    db.session.flush()

    reader, pages = pdf_text(client_for(app, day.hr), day.path + ".pdf")

    assert len(reader.pages) == 1 + 3
    cover = flattened(pages[0])
    assert "Timetable" in cover and "Panel pack: confidential" in cover
    assert "Scoring guide" not in cover
    assert cover.index(LABELS[0]) < cover.index(LABELS[1]) < cover.index(LABELS[2])
    assert _candidates_by_page(pages[1:]) == [[label] for label in LABELS]
    for number, text in enumerate(pages[1:], start=2):
        flat = flattened(text)
        assert "Scoring guide" in flat and "1. Essential:" in flat
        assert f"Page {number} of 4" in flat


@pytest.mark.slow  # PDFs
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

    _, pages = pdf_text(client_for(app, day.hr), day.path + ".pdf")

    on_page = _candidates_by_page(pages)
    assert "Scoring guide" not in pages[0]
    # After the cover, every page is one candidate's (named at its top), in timetable order,
    # each candidate's pages together: a page break before each, none inside one.
    assert all(len(names) == 1 for names in on_page[1:])
    runs = [names[0] for i, names in enumerate(on_page[1:]) if i == 0 or names != on_page[i]]
    assert runs == LABELS
    assert len(pages) > 1 + 3
    assert "9. Desirable: You have shown interest number 6" in flattened(" ".join(pages[1:]))


def test_without_weasyprint_the_page_works_and_says_so(app, day, monkeypatch):
    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    ann = client_for(app, day.ann)

    page = get_page(ann, day.path)
    response = ann.get(day.path + ".pdf")

    assert 'id="no-pdf"' in page and "A PDF of this pack is not available" in page
    assert ".pdf" not in page
    assert response.status_code == 302 and response.location.endswith(day.path)
    following = get_page(ann, day.path)
    assert "Print this page instead" in following
    downloads = select(AuditEvent).where(AuditEvent.action == "panel_pack.downloaded")
    assert db.session.scalars(downloads).all() == []


def test_a_pack_too_big_for_one_pdf_is_printed_or_downloaded_a_time_at_a_time(
    app, day, monkeypatch
):
    monkeypatch.setattr(packs, "MOST_IN_A_PDF", 2)
    hr = client_for(app, day.hr)

    page = get_page(hr, day.path)
    response = hr.get(day.path + ".pdf")

    assert "This pack has 3 candidates: too many for one PDF (at most 2)" in page
    assert 'href="' + day.path + '.pdf"' not in page
    for slot in (day.nine, day.ten, day.eleven):
        assert f'href="/staff/slots/{slot.id}/pack"' in page
    assert response.status_code == 302 and response.location.endswith(day.path)
    assert "more than one PDF can hold (2)" in get_page(hr, day.path)
    assert f'href="/staff/slots/{day.ten.id}/pack.pdf"' in get_page(
        hr, f"/staff/slots/{day.ten.id}/pack"
    )
    downloads = select(AuditEvent).where(AuditEvent.action == "panel_pack.downloaded")
    assert db.session.scalars(downloads).all() == []


def test_a_slot_too_big_for_one_pdf_is_printed_from_the_browser(app, day, monkeypatch):
    monkeypatch.setattr(packs, "MOST_IN_A_PDF", 0)
    hr = client_for(app, day.hr)
    slot_pack = f"/staff/slots/{day.ten.id}/pack"

    for path in (day.path, slot_pack):
        page = get_page(hr, path)
        assert 'id="pdf-too-big"' in page and "Print this page from your browser" in page
        # Each time is too big as well: no list of packs that could not be downloaded either.
        assert 'id="each-time"' not in page and "download the pack for each time" not in page
        response = hr.get(path + ".pdf")
        assert response.status_code == 302 and response.location.endswith(path)
        following = get_page(hr, path)
        assert "Print this page from your browser instead." in following
        assert "download the pack for each time" not in following
