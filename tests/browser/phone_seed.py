"""Realistic records for the phone-width test: dozens of candidates over several roles, long
names and emails, every kind of record a staff page shows (slots, a share with its partner,
a mentor with an apprentice, a failed email, audit events), each role's user. Commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.browser.workspace_seed import seed_campaign
from tests.factories import ApplicantFactory, ApplicationFactory, SlotFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import PartnerOrganisation, StaffRole
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.exports.models import ExportTemplate
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.partners.models import Share, ShareCriterion, SharedCandidate
from tracker.reports import population, population_services
from tracker.scheduling.models import Booking, SlotKind

EXAMPLE_POPULATION = Path(__file__).resolve().parents[2] / "docs/examples/population-example.csv"

LONG_NAME = "Maximilian Bartholomew Fotheringham-Montgomery-Smythe"
LONG_EMAIL = (
    "maximilian.bartholomew.fotheringham-montgomery-smythe@averyveryverylongdomain.example.org.uk"
)
LONG_ORGANISATION = "Dalston Digital, Creative and Cyber Security Industries Partnership Limited"


@dataclass
class Who:
    email: str
    totp_secret: str | None = None


@dataclass
class PhoneRecords:
    hr: Who
    manager: Who
    partner: Who
    mentor: Who
    ids: dict[str, int | str]


def seed_phone_records() -> PhoneRecords:
    campaign = seed_campaign(60, seed=15)
    now = clock.utcnow()
    role = db.session.get(Role, campaign.data_analyst_role_id)
    technician = db.session.get(Role, campaign.data_technician_role_id)

    applicant = ApplicantFactory(email=LONG_EMAIL)
    long_one = ApplicationFactory(
        applicant=applicant,
        role=role,
        interview=True,
        full_name=LONG_NAME,
        reference="LONG0001",
        status_changed_at=now - timedelta(days=3),
        needs_adjustments=True,
        adjustments="A ground-floor room and extra time: " + "please " * 30,
    )
    organisation = PartnerOrganisation(name=LONG_ORGANISATION)
    db.session.add(organisation)
    db.session.flush()
    partner = UserFactory(
        roles=[StaffRole.PARTNER],
        partner_organisation=organisation,
        name="Priyanka Venkataraman-Oyelaran",
        email="priyanka.venkataraman-oyelaran@dalston-digital-creative.example.co.uk",
    )
    assessed = db.session.scalars(
        select(Application)
        .where(Application.role_id == role.id, Application.status == Status.ASSESSMENT)
        .limit(3)
    ).all()
    shared = [*assessed, long_one]
    share = Share(
        organisation_id=organisation.id,
        purpose="Assessment day at Dalston Digital: group task and presentation feedback",
        due_on=clock.today() + timedelta(days=5),
        fields=["name", "qualifications", "answers"],
        created_by=campaign.hr.email,
        created_at=now,
        criteria=[
            ShareCriterion(position=1, text="Problem solving in a group"),
            ShareCriterion(position=2, text="Communicating technical ideas simply"),
        ],
        candidates=[SharedCandidate(application_id=a.id) for a in shared],
    )
    db.session.add(share)

    mentor = MentorProfileFactory(
        tracks=[role.track],
        user=UserFactory(
            roles=[StaffRole.MENTOR],
            name="Oluwaseun Adebayo-Richardson",
            email="oluwaseun.adebayo-richardson.mentoring@example.gov.uk",
        ),
    )
    mentee = hired(role, full_name="Anastasia Konstantinopoulou-Whitfield")
    assigned(mentee, mentor)
    unassigned = hired(technician, full_name="Christopher Featherstonehaugh-Llewellyn")

    slot = SlotFactory(role=role, place="https://meet.example.gov.uk/interviews/" + "x" * 60)
    for days in range(1, 8):
        SlotFactory(
            role=role,
            kind=SlotKind.ASSESSMENT if days % 2 else SlotKind.INTERVIEW,
            starts_at=(now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0),
            capacity=6,
            booked=days % 4,
            place="Committee room 2, Town Hall, 1 Mare Street, London E8 1EA",
        )
    db.session.add(
        Email(
            idempotency_key="phone-failed",
            recipient=LONG_EMAIL,
            template="test_email",
            context={"requested_by": campaign.hr.email},
            queued_by="test",
            status=EmailStatus.FAILED,
            attempts=8,
            last_error="550 5.1.1 <" + LONG_EMAIL + ">: Recipient address rejected",
            failed_at=now,
            next_attempt_at=now,
        )
    )
    for n in range(12):
        record_event(
            actor=None,
            actor_label=campaign.hr.email,
            action="application.moved",
            object_type="application",
            object_id=long_one.id,
            details={"from": "sift", "to": "interview", "note": "x" * (n * 10)},
        )
    manager = db.session.get(type(partner), campaign.manager.id)
    # The interview slot's panel pack: the manager sits on its panel, and the long-named
    # candidate, who asked for adjustments, is booked into it.
    slot.panel = [manager]
    slot.booked = 1
    db.session.add(
        Booking(slot_id=slot.id, application_id=long_one.id, kind=slot.kind, booked_at=now)
    )
    hr = db.session.get(type(partner), campaign.hr.id)
    templates = {
        owner.id: ExportTemplate(
            user_id=owner.id,
            name="Interview panel list with every score, reason and date " + "x" * 20,
            columns=["reference", "stage", "score_average", "essential_1", "interview_at"],
            created_at=now,
            updated_at=now,
        )
        for owner in (hr, manager)
    }
    db.session.add_all(templates.values())
    db.session.flush()
    # The area's population, so the equality report shows its comparison at phone width.
    population_services.replace_population(
        actor=hr,
        population=population.read(EXAMPLE_POPULATION.read_bytes()),
        filename="exampleshire-census-2021-population-shares.csv",
    )
    event = db.session.scalar(select(func.max(AuditEvent.id)))
    db.session.commit()
    return PhoneRecords(
        hr=Who(campaign.hr.email, campaign.hr.totp_secret),
        manager=Who(manager.email),
        partner=Who(partner.email),
        mentor=Who(mentor.user.email),
        ids={
            "role": role.id,
            "application": long_one.id,
            "applicant": applicant.id,
            "slot": slot.id,
            "slot_day": slot.starts_at.astimezone(clock.UK).date().isoformat(),
            "share": share.id,
            "shared": share.candidates[-1].id,
            "mentee": mentee.id,
            "hired": unassigned.id,
            "mentor_user": mentor.user_id,
            "long_user": partner.id,
            "organisation": organisation.id,
            "event": event,
            "hr_template": templates[hr.id].id,
            "manager_template": templates[manager.id].id,
        },
    )
