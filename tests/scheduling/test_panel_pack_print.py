"""The panel pack as a panel member prints it, in headless Chromium: on paper only the pack
(no header, menus, breadcrumbs or buttons), the cover sheet and then each candidate on a new
page; on screen it fits a phone and a desktop, and axe-core finds nothing serious."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from pypdf import PdfReader

from tests.browser.conftest import (
    running_app,
    serious_axe_violations,
    serving,
    sign_in_staff,
)
from tests.factories import ApplicationFactory, RoleFactory, SlotFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.scheduling.models import Booking, SlotKind

pytestmark = pytest.mark.browser

NAMES = ["Alex Morgan", "Maximilian Bartholomew Fotheringham-Montgomery-Smythe", "Sam Patel"]
ADJUSTMENT = "Extra time for the written task, and a quiet room to wait in"


@dataclass(frozen=True)
class Seeded:
    panel_email: str
    path: str


def _seed() -> Seeded:
    role = RoleFactory(
        title="Data analyst apprentice",
        criteria=["You can explain a finding to someone who is not an expert"],
    )
    panel = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Priya Shah")
    on = clock.today() + timedelta(days=5)
    for number, name in enumerate(NAMES):
        slot = SlotFactory(
            role=role,
            kind=SlotKind.ASSESSMENT,
            starts_at=datetime.combine(on, time(9 + number), tzinfo=clock.UK),
            place="https://meet.example.gov.uk/assessment-day/" + "x" * 50,
            panel=[panel],
            booked=1,
        )
        application = ApplicationFactory(
            role=role,
            assessment=True,
            full_name=name,
            needs_adjustments=number == 1,
            adjustments=ADJUSTMENT if number == 1 else None,
        )
        db.session.add(
            Booking(
                slot_id=slot.id,
                application_id=application.id,
                kind=SlotKind.ASSESSMENT,
                booked_at=clock.utcnow(),
            )
        )
    db.session.commit()
    return Seeded(panel.email, f"/staff/roles/{role.id}/days/{on.isoformat()}/assessment/pack")


@pytest.fixture(scope="module")
def stack():
    with running_app() as app:
        with app.app_context():
            seeded = _seed()
            db.session.remove()
        with serving(app) as url:
            yield url, seeded


@pytest.fixture
def signed_in(browser, stack):
    """A page as the panel member, at a width the test sets."""
    url, seeded = stack
    contexts = []

    def at(width: int):
        context = browser.new_context(base_url=url, viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        sign_in_staff(page, seeded.panel_email)
        page.goto(seeded.path)
        return page

    yield at, seeded
    for context in contexts:
        context.close()


HIDDEN_IN_PRINT = [
    ".govuk-template__header",
    ".govuk-service-navigation",
    ".govuk-breadcrumbs",
    ".govuk-footer",
    ".app-pack__actions",
    ".app-sign-out__button",
]


def test_printed_only_the_pack_with_each_candidate_on_a_new_page(signed_in, tmp_path):
    at, _ = signed_in
    page = at(1280)
    assert page.locator(".app-pack__actions").is_visible()

    page.emulate_media(media="print")

    for selector in HIDDEN_IN_PRINT:
        assert not page.locator(selector).first.is_visible(), selector
    breaks = page.eval_on_selector_all(
        ".app-pack__candidate", "sections => sections.map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks == ["page"] * 3
    body = page.pdf(format="A4", prefer_css_page_size=True)
    (tmp_path / "printed.pdf").write_bytes(body)
    printed = PdfReader(io.BytesIO(body))
    texts = [" ".join(p.extract_text().split()) for p in printed.pages]
    assert len(texts) == 1 + 3
    assert "Timetable" in texts[0] and "Scoring guide" not in texts[0]
    for text, name in zip(texts[1:], NAMES, strict=True):
        assert name in text and "Scoring guide" in text
        assert sum(other in text for other in NAMES) == 1
    assert ADJUSTMENT in texts[2]
    for text in texts:
        for absent in ("Sign out", "Download as a PDF", "Staff home", "Interviews"):
            assert absent not in text
    page.screenshot(path=tmp_path / "print-1280.png", full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_on_screen_it_fits_and_has_no_serious_axe_violations(signed_in, width, tmp_path):
    at, _ = signed_in
    page = at(width)

    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert serious_axe_violations(page) == []
    assert page.get_by_role("button", name="Download as a PDF").is_visible()
    page.screenshot(path=tmp_path / f"screen-{width}.png", full_page=True)
