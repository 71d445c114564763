"""Every email an applicant receives, rendered for every role in the shipped catalogue, reads
as written English: no "a Applications support apprentice", no "apprentice apprenticeship";
offers and welcomes give the start date; invitations mention adjustments only to those who
asked for them; an unsuccessful applicant is pointed to other roles and to support."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.factories import ApplicationFactory, SlotFactory
from tracker import clock
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.notifications.rendering import render_email
from tracker.offers.models import Offer
from tracker.scheduling.models import Booking, SlotKind

APPLICATION_EMAILS = (
    "application_submitted",
    "application_withdrawn",
    "draft_reminder",
    "invited_to_assessment",
    "invited_to_interview",
    "offer_made",
    "offer_accepted",
    "offer_declined",
    "hired",
    "application_unsuccessful",
)
BOOKING_EMAILS = ("booking_confirmed", "booking_cancelled", "booking_reminder")
STARTS_ON = date(2027, 9, 1)
# "a" before a vowel, or "an" before a consonant (the titles have no silent h or "uni-").
MISMATCHED_ARTICLE = re.compile(r"\b(?:[Aa] [AEIOUaeiou]|[Aa]n [^AEIOUaeiou\W])")


def _emails_for(app, role: Role, *, needs_adjustments: bool) -> dict[str, str]:
    application = ApplicationFactory(
        role=role,
        interview=True,
        full_name="Sam Jones",
        needs_adjustments=needs_adjustments,
        adjustments="A quiet room" if needs_adjustments else None,
    )
    db.session.add(
        Offer(
            application_id=application.id,
            starts_on=STARTS_ON,
            made_at=clock.utcnow(),
            made_by="hr@example.gov.uk",
        )
    )
    slot = SlotFactory(role=role, kind=SlotKind.INTERVIEW)
    booking = Booking(
        slot_id=slot.id,
        application_id=application.id,
        kind=SlotKind.INTERVIEW,
        booked_at=clock.utcnow(),
    )
    db.session.add(booking)
    db.session.flush()
    rendered = {}
    with app.test_request_context():
        for name in APPLICATION_EMAILS:
            rendered[name] = render_email(
                name, {"application_id": application.id, "timeline_entry_id": None}
            )
        for name in BOOKING_EMAILS:
            rendered[name] = render_email(name, {"booking_id": booking.id})
    return {
        name: " ".join(f"{email.subject}\n{email.text}\n{email.html}".split())
        for name, email in rendered.items()
    }


@pytest.fixture
def roles(default_catalogue) -> list[Role]:
    return list(db.session.scalars(db.select(Role).order_by(Role.position)))


@pytest.mark.slow  # every email for every role
@pytest.mark.parametrize("needs_adjustments", [True, False])
def test_every_applicant_email_reads_well_for_every_role(app, roles, needs_adjustments):
    assert len(roles) == 13
    for role in roles:
        emails = _emails_for(app, role, needs_adjustments=needs_adjustments)
        for name, text in emails.items():
            where = f"{name} for {role.title}"
            assert role.title in text, where
            assert f"a {role.title}" not in text and f"an {role.title}" not in text, where
            assert not MISMATCHED_ARTICLE.search(text), (where, MISMATCHED_ARTICLE.search(text))
            assert "apprentice apprenticeship" not in text.lower(), where


def test_offers_and_welcomes_give_the_start_date(app, roles):
    emails = _emails_for(app, roles[0], needs_adjustments=False)

    for name in ("offer_made", "offer_accepted", "hired"):
        assert "1 September 2027" in emails[name], name


def test_an_offer_email_gives_the_date_the_offer_set_not_the_campaigns(app, roles):
    role = roles[0]
    emails = _emails_for(app, role, needs_adjustments=False)

    expected = role.campaign.expected_start_on
    assert expected != STARTS_ON
    assert f"Your start date would be {STARTS_ON.day} September 2027." in emails["offer_made"]
    assert f"Your start date is {STARTS_ON.day} September 2027." in emails["hired"]


@pytest.mark.parametrize("name", ["invited_to_interview", "invited_to_assessment"])
def test_invitations_mention_adjustments_only_to_those_who_asked(app, roles, name):
    asked = _emails_for(app, roles[0], needs_adjustments=True)[name]
    not_asked = _emails_for(app, roles[1], needs_adjustments=False)[name]

    assert "You told us about adjustments you need" in asked
    assert "adjustment" not in not_asked.lower()
    assert "If there is anything that would make the" in not_asked
    assert "apprenticeships@example.gov.uk" in not_asked


def test_the_unsuccessful_email_points_to_other_roles_and_to_support(app, roles):
    text = _emails_for(app, roles[0], needs_adjustments=False)["application_unsuccessful"]

    assert "Some of our other roles are still open" in text
    assert re.search(r"https?://\S+/roles\b", text)
    assert re.search(r"https?://\S+/#support", text)
    assert "email us at apprenticeships@example.gov.uk" in text


def test_after_closing_the_unsuccessful_email_still_links_to_the_roles(app, roles):
    for role in roles:
        role.closes_on_override = clock.today() - timedelta(days=1)
    db.session.flush()

    text = _emails_for(app, roles[0], needs_adjustments=False)["application_unsuccessful"]

    assert "Some of our other roles are still open" not in text
    assert "See our roles" in text
    assert re.search(r"https?://\S+/roles\b", text)
