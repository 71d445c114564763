"""Who gets a panel pack: the panel, for their own slots while the role is in their scope,
and HR; anyone else finds no such page (404). Every view and download is in the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import RoleFactory, SlotFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory
from tests.scheduling.panel_pack_day import (
    Day,
    client_for,
    get_page,
    make_day,
    pdf_text,
    uk_at,
)
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.audit.models import AuditEvent
from tracker.audit_log import records
from tracker.extensions import db
from tracker.formatting import long_date
from tracker.scheduling.models import SlotKind


@pytest.fixture
def day() -> Day:
    return make_day()


def test_a_panel_member_gets_the_pack_for_their_own_slots_only(app, day):
    ann = client_for(app, day.ann)

    page = get_page(ann, day.path)

    assert "<title>Panel pack: interviews for Data analyst apprentice" in page
    assert "Priya Shah (PACK-0002)" in page and "Tom Hughes (PACK-0001)" in page
    assert "Zainab Ali" not in page and "PACK-0003" not in page and "Room 3" not in page
    assert page.count("data-candidate=") == 2
    assert get_page(ann, f"/staff/slots/{day.ten.id}/pack").count("data-candidate=") == 1
    for path in (f"/staff/slots/{day.eleven.id}/pack", f"/staff/slots/{day.eleven.id}/pack.pdf"):
        assert ann.get(path).status_code == 404

    ben = client_for(app, day.ben)
    assert "Zainab Ali (PACK-0003)" in get_page(ben, day.path)
    assert "Priya Shah" not in get_page(ben, day.path)


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
        client = client_for(app, person)
        for path in paths:
            assert client.get(path).status_code == 404, (person.name, path)


def test_hr_gets_every_slot_of_the_day(app, day):
    hr = client_for(app, day.hr)

    page = get_page(hr, day.path)

    assert page.count("data-candidate=") == 3
    assert "Zainab Ali (PACK-0003)" in page
    assert get_page(hr, f"/staff/slots/{day.eleven.id}/pack").count("data-candidate=") == 1


def test_a_day_is_one_role_one_kind_one_date(app, day):
    hr = client_for(app, day.hr)
    next_day = day.day + timedelta(days=1)
    SlotFactory(role=day.role, starts_at=uk_at(next_day, "09:00"), place="Tomorrow room")
    SlotFactory(
        role=day.role, kind=SlotKind.ASSESSMENT, starts_at=uk_at(day.day, "14:00"), place="Hall"
    )
    SlotFactory(role=RoleFactory(), starts_at=uk_at(day.day, "15:00"), place="Other role room")

    page = get_page(hr, day.path)

    for absent in ("Tomorrow room", "Hall", "Other role room"):
        assert absent not in page
    assessments = day.path.replace("/interview/", "/assessment/")
    assert "Hall" in get_page(hr, assessments)
    for wrong in ("2027-2-3", "20270203", "2027-W05-3", "tomorrow", "2027-02-30"):
        assert hr.get(f"/staff/roles/{day.role.id}/days/{wrong}/interview/pack").status_code == 404
    assert hr.get(day.path.replace("/interview/", "/references/")).status_code == 404
    empty = f"/staff/roles/{day.role.id}/days/{(day.day + timedelta(days=2)).isoformat()}"
    assert hr.get(empty + "/interview/pack").status_code == 404


def test_views_and_downloads_are_audited(app, day):
    ann = client_for(app, day.ann)
    get_page(ann, day.path)
    pdf_text(ann, f"/staff/slots/{day.ten.id}/pack.pdf")

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


def test_the_panel_reaches_the_packs_from_the_slot_and_interviews_pages(app, day):
    ann, other = client_for(app, day.ann), client_for(app, day.other)
    slot_page = f"/staff/slots/{day.ten.id}"

    assert f'href="{slot_page}/pack"' in get_page(ann, slot_page)
    assert f'href="{day.path}"' in get_page(ann, slot_page)
    assert "/pack" not in get_page(other, slot_page)
    interviews = get_page(ann, "/staff/interviews")
    assert f'href="/staff/slots/{day.ten.id}/pack"' in interviews
    # Each link says, to a screen reader, which day as well as which time and role (the
    # summary card adds its own title, the time and role, after the hidden text).
    hidden = re.findall(r'Panel pack<span class="govuk-visually-hidden">([^<]*)</span>', interviews)
    assert [" ".join(h.split()) for h in hidden] == [
        f"for {long_date(day.day)} ({time}: Interview, Data analyst apprentice)"
        for time in ("09:00 to 09:45", "10:00 to 10:45")
    ]
    assert f'href="/staff/slots/{day.eleven.id}/pack"' not in interviews
    assert interviews.count(f'href="{day.path}"') == 1
    assert "/pack" not in get_page(other, "/staff/interviews")
    hr_interviews = get_page(client_for(app, day.hr), "/staff/interviews")
    assert f'href="/staff/slots/{day.eleven.id}/pack"' in hr_interviews


def test_whats_needs_doing_links_todays_packs(app, day):
    later_today = clock.utcnow() + timedelta(minutes=5)
    if later_today.astimezone(clock.UK).date() != clock.today():
        pytest.skip("too close to midnight for a slot later today")
    today_slot = SlotFactory(role=day.role, starts_at=later_today, panel=[day.ben])
    path = f"/staff/roles/{day.role.id}/days/{clock.today().isoformat()}/interview/pack"

    assert f'href="{path}"' in get_page(client_for(app, day.ben), "/staff/")
    assert f'href="{path}"' in get_page(client_for(app, day.hr), "/staff/")
    assert "Panel packs for today" not in get_page(client_for(app, day.ann), "/staff/")
    assert get_page(client_for(app, day.ben), path).count("data-candidate=") == 0
    assert today_slot.id


@pytest.mark.slow  # PDFs
def test_a_panel_member_taken_off_the_roles_scope_loses_its_packs_and_invitation(app, day):
    ann = client_for(app, day.ann)
    paths = [
        day.path,
        day.path + ".pdf",
        f"/staff/slots/{day.ten.id}/pack",
        f"/staff/slots/{day.ten.id}/pack.pdf",
        f"/staff/slots/{day.ten.id}/invitation.ics",
    ]
    assert [ann.get(path).status_code for path in paths] == [200] * len(paths)

    # Still on the slots' panels, made while the role was theirs; no longer in their scope.
    day.ann.scopes.clear()
    db.session.flush()

    for path in paths:
        assert ann.get(path).status_code == 404, path
    hr = client_for(app, day.hr)
    assert hr.get(f"/staff/slots/{day.ten.id}/invitation.ics").status_code == 200


@pytest.mark.slow  # PDFs
def test_one_person_may_download_only_so_many_pdfs(app, day):
    app.config["PANEL_PACK_PDF_LIMIT"] = "2 per hour"
    try:
        ann, hr = client_for(app, day.ann), client_for(app, day.hr)
        slot_pdf = f"/staff/slots/{day.ten.id}/pack.pdf"
        answers = [ann.get(path).status_code for path in (slot_pdf, day.path + ".pdf", slot_pdf)]
        # The page itself is not limited, and another person's count is their own.
        assert ann.get(day.path).status_code == 200
        assert hr.get(slot_pdf).status_code == 200
    finally:
        app.config["PANEL_PACK_PDF_LIMIT"] = "30 per hour"

    assert answers == [200, 200, 429]
