"""A campaign walked through the real pipeline (scorecards, moves with reasons, bookings,
partner feedback, offers and their conditions, withdrawals), exported with every column as
CSV and XLSX, and each decision cell compared with the same fact worked out here with plain
SQL from the tables."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.exports.conftest import download, export_events, read_csv
from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    SlotFactory,
    UserFactory,
)
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.services import respond_to_offer, withdraw_application
from tracker.applications.states import REJECTION_REASONS, Event, Status
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.exports.columns import COLUMNS
from tracker.extensions import db
from tracker.offers.models import ConditionKind
from tracker.offers.services import meet_condition
from tracker.partners import fields as partner_fields
from tracker.partners import services as partners
from tracker.partners.models import Recommendation, SharedCandidate
from tracker.scheduling.models import SlotKind
from tracker.scheduling.services import book
from tracker.screening.scorecards import criteria_for, submit_scorecard
from tracker.screening.services import move_candidate

CRITERIA = ["essential_1", "essential_2", "essential_3", "desirable_1"]
EVERY = [*COLUMNS, *CRITERIA]
PATHS = [
    "new",
    "sift",
    "rejected",
    "assessment",
    "interview",
    "offer",
    "accepted",
    "hired",
    "declined",
    "withdrawn",
]


def _move(hr, application, event, **more):
    move_candidate(
        actor=hr,
        application=application,
        event=event,
        expected_version=application.version,
        **more,
    )
    db.session.flush()


def _score(reviewers, application, rng):
    for reviewer in reviewers[: rng.randint(1, len(reviewers))]:
        submit_scorecard(
            actor=reviewer,
            application=application,
            scores={c.id: (rng.randint(1, 4), "") for _, c in criteria_for(application)},
        )


def _walk(path, application, *, hr, reviewers, slots, rng):
    """Take one application along ``path`` with the services staff and applicants use."""
    if path == "new":
        return
    _move(hr, application, Event.START_SIFT)
    if rng.random() < 0.8:
        _score(reviewers, application, rng)
    if path == "sift":
        return
    if path == "rejected":
        reasons = rng.sample(sorted(REJECTION_REASONS), rng.randint(1, 2))
        feedback = "See the notes" if "other" in reasons else None
        _move(hr, application, Event.REJECT, reasons=reasons, feedback=feedback)
        return
    if path == "withdrawn":
        withdraw_application(
            applicant=application.applicant,
            application=application,
            reason=rng.choice(WITHDRAWAL_REASONS)[0],
            details='=HYPERLINK("http://evil.example")',
        )
        return
    if path == "assessment" or rng.random() < 0.5:
        _move(hr, application, Event.INVITE_TO_ASSESSMENT)
        book(applicant=application.applicant, application=application, slot_id=slots[0].id)
        if path == "assessment":
            return
    _move(hr, application, Event.INVITE_TO_INTERVIEW)
    book(applicant=application.applicant, application=application, slot_id=slots[1].id)
    if path == "interview":
        return
    _move(hr, application, Event.MAKE_OFFER, starts_on=clock.today() + timedelta(days=40))
    if path == "offer":
        return
    respond_to_offer(
        applicant=application.applicant,
        application=application,
        accept=path != "declined",
        mentor_contact_consent=True,
    )
    if path == "declined":
        return
    kinds = list(ConditionKind) if path == "hired" else rng.sample(list(ConditionKind), 1)
    for kind in kinds:
        meet_condition(actor=hr, application=application, kind=kind, note=None)
    db.session.flush()


@pytest.fixture
def campaign(hr):
    """Two roles of one campaign (their criteria differ) walked at random, one role of another
    campaign, partner shares with and without feedback, and times in stage spread out."""
    rng = random.Random(16)
    campaign = CampaignFactory(name="Spring 2027", slug="spring-2027")
    first = RoleFactory(campaign=campaign, criteria=["Curious", "Reliable"], title="Analyst")
    first.criteria.append(Criterion(kind=CriterionKind.DESIRABLE, position=0, text="Excel"))
    second = RoleFactory(campaign=campaign, criteria=["Kind", "Punctual", "Organised"])
    elsewhere = RoleFactory(title="Another campaign's role")
    reviewers = [hr, *(UserFactory(roles=[StaffRole.ADMIN]) for _ in range(2))]
    hooked = PartnerOrganisationFactory(name="=cmd|' /C calc'!A0 Ltd")
    plain = PartnerOrganisationFactory(name="Acme Training")
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=hooked)
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=plain)
    slots = {
        role.id: [
            SlotFactory(role=role, kind=SlotKind.ASSESSMENT, capacity=50),
            SlotFactory(
                role=role,
                kind=SlotKind.INTERVIEW,
                capacity=50,
                starts_at=datetime(2027, 7, 1, 13, 30, tzinfo=clock.UK),  # summer time
            ),
        ]
        for role in (first, second)
    }
    db.session.flush()
    applications = []
    for number in range(24):
        role = (first, second)[number % 2]
        application = ApplicationFactory(
            role=role,
            submitted=True,
            disability_confident=False,
            heard_about=rng.choice([*HEARD_ABOUT, None]),
            reference=f"SPR-{number:04d}",
        )
        db.session.flush()
        _walk(
            PATHS[number % len(PATHS)],
            application,
            hr=hr,
            reviewers=reviewers,
            slots=slots[role.id],
            rng=rng,
        )
        applications.append(application)
    ApplicationFactory(role=elsewhere, submitted=True, reference="ELSE-0001")
    live = [a for a in applications if a.status in (Status.SIFT, Status.ASSESSMENT)]
    for organisation in (hooked, plain):
        partners.share_candidates(
            actor=hr,
            organisation=organisation,
            applications=live[:4],
            purpose="Assessment day",
            due_on=clock.today() + timedelta(days=10),
            criteria=["Problem solving"],
            fields=list(partner_fields.DEFAULT),
        )
    shared = db.session.execute(
        text(
            "SELECT sc.id FROM partner_shared_candidate sc JOIN partner_share s ON s.id = "
            "sc.share_id WHERE s.organisation_id = :org ORDER BY sc.id"
        ),
        {"org": hooked.id},
    ).scalars()
    for index, shared_id in enumerate(list(shared)[:3]):
        candidate = db.session.get(SharedCandidate, shared_id)
        partners.give_feedback(
            actor=partner,
            shared_candidate=candidate,
            recommendation=list(Recommendation)[index],
            comments=None,
            scores={c.id: 3 for c in candidate.share.criteria},
        )
    # Spread the times in stage (the moves above all happened just now).
    for application in applications:
        db.session.execute(
            text(
                "UPDATE application SET status_changed_at = status_changed_at - "
                "make_interval(days => :days) WHERE id = :id"
            ),
            {"days": rng.randint(0, 40), "id": application.id},
        )
    db.session.commit()
    return campaign


def _expected() -> dict[str, dict[str, object]]:
    """Every decision column of every application of the campaign, straight from the tables."""
    rows = db.session.execute(
        text(
            """
            SELECT a.id, a.reference, a.status, a.heard_about, a.withdrawal_reason,
                   (now() AT TIME ZONE 'Europe/London')::date
                     - (coalesce(a.status_changed_at, a.submitted_at)
                        AT TIME ZONE 'Europe/London')::date AS days
            FROM application a JOIN role r ON r.id = a.role_id
            JOIN campaign c ON c.id = r.campaign_id
            WHERE c.slug = 'spring-2027' AND a.status != 'draft'
            """
        )
    ).all()
    expected: dict[str, dict[str, object]] = {}
    for id_, reference, status, heard, withdrawal, days in rows:

        def one(sql, id_=id_):
            return db.session.execute(text(sql), {"id": id_}).all()

        criteria = {
            f"{kind}_{position + 1}": avg
            for kind, position, avg in one(
                "SELECT cr.kind, cr.position, round(avg(s.score), 2) FROM scorecard_score s "
                "JOIN scorecard sc ON sc.id = s.scorecard_id JOIN criterion cr "
                "ON cr.id = s.criterion_id WHERE sc.application_id = :id "
                "AND sc.submitted_at IS NOT NULL GROUP BY cr.kind, cr.position"
            )
        }
        ((average, reviewers),) = one(
            "SELECT round(avg(s.score), 2), count(DISTINCT sc.id) FROM scorecard sc "
            "JOIN scorecard_score s ON s.scorecard_id = sc.id "
            "WHERE sc.application_id = :id AND sc.submitted_at IS NOT NULL"
        )
        essentials = one(
            "SELECT avg(s.score) FROM scorecard_score s JOIN scorecard sc "
            "ON sc.id = s.scorecard_id WHERE sc.application_id = :id AND s.essential "
            "AND sc.submitted_at IS NOT NULL GROUP BY s.criterion_id"
        )
        partners_ = one(
            "SELECT o.name, f.recommendation FROM partner_shared_candidate sc "
            "JOIN partner_share s ON s.id = sc.share_id "
            "JOIN partner_organisation o ON o.id = s.organisation_id "
            "LEFT JOIN partner_feedback f ON f.shared_candidate_id = sc.id "
            "WHERE sc.application_id = :id AND sc.unshared_at IS NULL ORDER BY o.name, s.id"
        )
        times = dict(
            one(
                "SELECT b.kind::text, sl.starts_at AT TIME ZONE 'Europe/London' FROM booking b "
                "JOIN slot sl ON sl.id = b.slot_id "
                "WHERE b.application_id = :id AND b.cancelled_at IS NULL"
            )
        )
        reasons = one(
            "SELECT reasons FROM application_timeline WHERE application_id = :id "
            "AND to_status = 'unsuccessful' ORDER BY occurred_at DESC, id DESC LIMIT 1"
        )
        offer = one(
            "SELECT (made_at AT TIME ZONE 'Europe/London')::date FROM offer "
            "WHERE application_id = :id"
        )
        outstanding = [
            kind
            for (kind,) in one(
                "SELECT oc.kind::text FROM offer_condition oc JOIN offer o ON o.id = oc.offer_id "
                "WHERE o.application_id = :id AND oc.met_at IS NULL ORDER BY oc.id"
            )
        ]
        labels = {
            "strongly_recommend": "Strongly recommend",
            "recommend": "Recommend",
            "reservations": "Recommend with reservations",
            "do_not_recommend": "Do not recommend",
        }
        conditions = {k.value: k.label for k in ConditionKind}
        offer_status = None
        if offer:
            offer_status = {
                "offer": "Made",
                "pre_employment_checks": "Conditions outstanding" if outstanding else "Accepted",
                "hired": "Accepted",
                "offer_declined": "Declined",
            }.get(status, status)
        expected[reference] = {
            "score_average": average,
            "reviewers": reviewers,
            **{key: criteria.get(key) for key in CRITERIA},
            "recommendation": None
            if not reviewers
            else (
                "Take forward"
                if all(avg >= 3 for (avg,) in essentials)
                else "Consider not taking forward"
            ),
            "partner_feedback": "; ".join(
                f"{name}: {labels[r] if r else 'no feedback yet'}" for name, r in partners_
            )
            or None,
            "assessment_at": times.get("assessment"),
            "interview_at": times.get("interview"),
            "source": HEARD_ABOUT.get(heard) if heard else None,
            "days_in_stage": days,
            "rejection_reasons": "; ".join(REJECTION_REASONS[c] for c in reasons[0][0])
            if status == "unsuccessful"
            else None,
            "withdrawal_reason": dict(WITHDRAWAL_REASONS)[withdrawal]
            if status == "withdrawn"
            else None,
            "offer_date": offer[0][0] if offer else None,
            "offer_status": offer_status,
            "conditions_outstanding": "; ".join(conditions[k] for k in outstanding) or None
            if status in ("offer", "pre_employment_checks")
            else None,
        }
    return expected


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _as_xlsx(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())  # openpyxl reads dates back so
    return value


DECISIONS = [
    "score_average",
    "reviewers",
    *CRITERIA,
    "recommendation",
    "partner_feedback",
    "assessment_at",
    "interview_at",
    "source",
    "days_in_stage",
    "rejection_reasons",
    "withdrawal_reason",
    "offer_date",
    "offer_status",
    "conditions_outstanding",
]


def test_the_campaign_is_varied_enough_to_prove_something(campaign):
    expected = _expected()
    assert len(expected) == 24
    for key in DECISIONS:
        assert any(row[key] not in (None, 0) for row in expected.values()), key
    statuses = {row["offer_status"] for row in expected.values()}
    assert {"Made", "Accepted", "Declined", "Conditions outstanding"} <= statuses


def test_every_decision_cell_in_csv_matches_the_tables(client, sign_in, hr, campaign):
    sign_in(hr)

    response = download(client, campaign_id=campaign.id, columns=EVERY, format="csv")

    rows = read_csv(response)
    headers = rows[0]
    index = {key: headers.index(header) for key, header in _headers(headers).items()}
    expected = _expected()
    got = {line[headers.index("Reference")]: line for line in rows[1:]}
    assert set(got) == set(expected)  # the whole campaign, nothing from the other one
    for reference, values in expected.items():
        for key in DECISIONS:
            cell = got[reference][index[key]]
            want = _as_csv(values[key])
            if key == "partner_feedback" and want.startswith("="):
                want = "'" + want  # a partner's name a spreadsheet would run is made text
            assert cell == want, (reference, key)
    assert "=HYPERLINK" not in response.get_data(as_text=True)  # withdrawal details stay out
    assert export_events()[0].object_type == "campaign"


def test_every_decision_cell_in_xlsx_matches_the_tables(client, sign_in, hr, campaign):
    from io import BytesIO

    from openpyxl import load_workbook

    sign_in(hr)

    response = download(client, campaign_id=campaign.id, columns=EVERY, format="xlsx")

    workbook = load_workbook(BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Shortlist", "Criteria"]
    lines = [[c.value for c in line] for line in workbook["Shortlist"].iter_rows()]
    headers = lines[0]
    index = {key: headers.index(header) for key, header in _headers(headers).items()}
    expected = _expected()
    got = {line[headers.index("Reference")]: line for line in lines[1:]}
    assert set(got) == set(expected)
    for reference, values in expected.items():
        for key in DECISIONS:
            assert got[reference][index[key]] == _as_xlsx(values[key]), (reference, key)
    # Times are real date-time cells, shown as UK dates and times.
    column = index["interview_at"] + 1
    interviews = [
        line[column - 1]
        for line in workbook["Shortlist"].iter_rows(min_row=2)
        if line[column - 1].value is not None
    ]
    assert interviews
    interview = interviews[0]
    assert interview.value == datetime(2027, 7, 1, 13, 30)  # UK summer time, as booked
    assert interview.number_format == "dd/mm/yyyy hh:mm"
    # The partner organisation's name is a string cell, never a formula.
    partner = [c for line in workbook["Shortlist"].iter_rows() for c in line]
    assert all(c.data_type != "f" for c in partner)
    criteria = [[c.value for c in line] for line in workbook["Criteria"].iter_rows()]
    assert criteria[0] == ["Role", "Level", "Criterion", "Words"]
    assert ["Analyst", 3, "Desirable 1", "Excel"] in criteria
    assert len(criteria) == 1 + 3 + 3


def test_one_roles_export_names_its_criteria_in_the_headers(client, sign_in, hr, campaign):
    role = next(r for r in campaign.roles if r.title == "Analyst")
    sign_in(hr)

    rows = read_csv(
        download(client, role_id=role.id, columns=["reference", *CRITERIA], format="csv")
    )

    assert rows[0] == [
        "Reference",
        "Essential 1 average: Curious",
        "Essential 2 average: Reliable",
        "Essential 3 average",
        "Desirable 1 average: Excel",
    ]


def _headers(headers: list[str]) -> dict[str, str]:
    """Column key -> its header in a campaign export (criteria by key, no words)."""
    from tracker.exports.columns import criterion_column

    found = {key: COLUMNS[key].header for key in DECISIONS if key in COLUMNS}
    found |= {key: criterion_column(key).header for key in CRITERIA}
    assert set(found.values()) <= set(headers)
    return found


def test_the_extras_cost_a_few_queries_a_batch_never_one_a_row(app, hr, campaign):
    """Per batch of the cursor: one IN query for each kind of fact, however many rows."""
    from sqlalchemy import event

    from tracker.accounts.permissions import permissions_of
    from tracker.exports import files, queries
    from tracker.exports.columns import choose

    shortlist = queries.Shortlist(campaign=campaign)
    roles = queries.roles(hr, shortlist)
    columns = choose(EVERY, permissions_of(hr))
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def export(batch: int) -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            rows = queries.candidates(hr, shortlist, roles, batch=batch)
            assert b"SPR-0023" in b"".join(files.csv_chunks(columns, rows))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    one_batch = export(24)
    four_batches = export(6)

    # The cursor's query and six look-ups of facts (scorecards, their scores, partners,
    # bookings, reasons only for a batch with an unsuccessful candidate, offers); three more
    # batches cost at most six queries each.
    assert one_batch <= 1 + 6 + 1  # the main query, the facts, and the roles' criteria
    assert one_batch < four_batches <= one_batch + 3 * 6
