"""Given a campaign that Hypothesis makes up and walks through the real pipeline (the services
staff and applicants use, never a status written by hand), when HR reads the reports that
explain it, then time to offer and hire, offers accepted, the reasons for unsuccessful
decisions and withdrawals, and conversion by source match what the timeline says, counted
here on its own."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import numpy
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import ApplicantFactory, ApplicationFactory, CampaignFactory, RoleFactory
from tracker import clock
from tracker.applications import pipeline, submission
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import ACTIVE, REJECTION_REASONS, Actor, Event, Status, events_from
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.reports import conversion, funnel, outcome_queries, reasons, timing
from tracker.reports.tables import Table
from tracker.screening import services as screening

S = Status
FEEDBACK = "Explained on the phone to Zebedee"
DETAILS = "Moving to Zanzibar with my family"


class FakeClock:
    """Stands in for utcnow where moves are stamped, so that each move happens when the plan
    says."""

    def __init__(self):
        self.now = clock.utcnow()

    def __call__(self):
        return self.now


def use_fake_clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(pipeline, "utcnow", fake)
    monkeypatch.setattr(submission, "utcnow", fake)
    return fake


@pytest.fixture
def fake_clock(monkeypatch):
    return use_fake_clock(monkeypatch)


MOVES = 8  # enough to go from submitted through assessment to hired
STAY = 90  # a choice this high or higher leaves the application where it is

application_plans = st.fixed_dictionaries(
    {
        "heard_about": st.none() | st.sampled_from([*HEARD_ABOUT, "a_retired_option"]),
        "choices": st.lists(st.integers(0, 99), min_size=MOVES, max_size=MOVES),
        "hours": st.lists(st.integers(1, 24 * 30), min_size=MOVES, max_size=MOVES),
        "reasons": st.lists(st.sampled_from(list(REJECTION_REASONS)), min_size=1, max_size=3),
        "withdrawal": st.sampled_from([code for code, _ in WITHDRAWAL_REASONS]),
    }
)
campaign_plans = st.lists(
    st.lists(application_plans, min_size=1, max_size=3), min_size=2, max_size=8
)


def _straight(choice: int, hours: int) -> dict:
    """A plan that takes the first way onwards at every step: to hired."""
    return {
        "heard_about": "event",
        "choices": [choice] * MOVES,
        "hours": [hours] * MOVES,
        "reasons": ["other"],
        "withdrawal": "other",
    }


def _options(status: Status) -> list[Event]:
    """The moves anyone could make next: onwards first, and more often than out."""
    onwards = [
        e for e in events_from(status, Actor.STAFF, manual_only=True) if e is not Event.REJECT
    ]
    if status is S.OFFER:
        onwards = [Event.ACCEPT_OFFER, Event.ACCEPT_OFFER, Event.DECLINE_OFFER]
    if status is S.PRE_EMPLOYMENT_CHECKS:
        onwards = [Event.CONFIRM_HIRED]
    return onwards * 3 + [Event.REJECT, Event.WITHDRAW]


def _make(event: Event, application: Application, plan: dict, hr) -> None:
    """Make the move through the service that makes it in real life."""
    if event is Event.WITHDRAW:
        code = plan["withdrawal"]
        submission.withdraw_application(
            applicant=application.applicant,
            application=application,
            reason=code,
            details=DETAILS if code == "other" else None,
        )
    elif event in (Event.ACCEPT_OFFER, Event.DECLINE_OFFER):
        offers.respond_to_offer(
            applicant=application.applicant,
            application=application,
            accept=event is Event.ACCEPT_OFFER,
            mentor_contact_consent=False,
        )
    elif event is Event.CONFIRM_HIRED:
        for kind in ConditionKind:
            offers.meet_condition(actor=hr, application=application, kind=kind, note=None)
    else:
        codes = list(dict.fromkeys(plan["reasons"]))
        screening.move_candidate(
            actor=hr,
            application=application,
            event=event,
            expected_version=application.version,
            reasons=codes if event is Event.REJECT else None,
            feedback=FEEDBACK if event is Event.REJECT and "other" in codes else None,
            starts_on=clock.today() + timedelta(days=90) if event is Event.MAKE_OFFER else None,
        )


def _walk(plan: list[list[dict]], hr, fake_clock):
    """Applicants apply to one to three roles; each application then goes its own way."""
    campaign = CampaignFactory()
    roles = [RoleFactory(campaign=campaign, level=3 + n % 2) for n in range(3)]
    fake_clock.now = clock.utcnow() - timedelta(days=400)
    made = []
    for n, applicant_plans in enumerate(plan):
        applicant = ApplicantFactory()
        for k, one in enumerate(applicant_plans):
            application = ApplicationFactory(
                applicant=applicant,
                role=roles[(n + k) % len(roles)],
                complete=True,
                heard_about=one["heard_about"],
            )
            fake_clock.now += timedelta(hours=1)
            submission.submit_application(
                applicant=applicant, application=application, today=clock.today()
            )
            made.append((application, one))
    for application, one in made:
        moved_at = application.submitted_at
        for choice, hours in zip(one["choices"], one["hours"], strict=True):
            if application.status not in ACTIVE:
                break
            if choice >= STAY:
                break  # it stays where it is
            options = _options(application.status)
            moved_at += timedelta(hours=hours)
            fake_clock.now = moved_at
            _make(options[choice % len(options)], application, one, hr)
    db.session.flush()
    return campaign


# What the timeline says, counted here -------------------------------------------------------


def _timeline(campaign):
    rows = (
        db.session.execute(
            select(Application)
            .join(Role)
            .where(Role.campaign_id == campaign.id, Application.status != S.DRAFT)
            .order_by(Application.submitted_at, Application.id)
        )
        .scalars()
        .all()
    )
    entries = defaultdict(list)
    for entry in db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.application_id.in_([a.id for a in rows]))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    ):
        entries[entry.application_id].append(entry)
    return rows, entries


def _days(application, entry) -> float:
    return (entry.occurred_at - application.submitted_at).total_seconds() / 86400


def _quartiles(values):
    """numpy's linear percentiles: what QUARTILE.INC gives in a spreadsheet."""
    if not values:
        return (0, None, None, None, None, None)
    q1, median, q3 = numpy.percentile(values, [25, 50, 75], method="linear")
    return (len(values), median, q1, q3, min(values), max(values))


def _expected_timing(rows, entries, role_of):
    offered, hired = defaultdict(list), defaultdict(list)
    offers_ = defaultdict(Counter)
    for application in rows:
        keys = (None, role_of[application.role_id])
        for entry in entries[application.id]:
            for key in keys:
                if entry.to_status is S.OFFER:
                    offered[key].append(_days(application, entry))
                    offers_[key]["made"] += 1
                if entry.to_status is S.HIRED:
                    hired[key].append(_days(application, entry))
                if entry.from_status is S.OFFER:
                    offers_[key][entry.to_status] += 1
        for key in keys:
            offers_[key]["waiting"] += application.status is S.OFFER
    return offered, hired, offers_


def _approx(row):
    return tuple(pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in row)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=campaign_plans)
# Always one campaign where everyone is hired, and one where each is hired the same day.
@pytest.mark.slow  # generated campaigns
@example(plan=[[_straight(0, 24 * n + 1)] for n in range(4)])
@example(plan=[[_straight(3, 1)], [_straight(0, 5)]])
def test_reports_that_explain_match_the_timeline(hr, fake_clock, plan):
    campaign = _walk(plan, hr, fake_clock)
    rows, entries = _timeline(campaign)
    titles = {role.id: role.title for role in campaign.roles}

    # Time to offer and to hire, and offers answered: by role and overall.
    report = outcome_queries.timing_report(campaign, "role")
    found = timing.tables(report)
    offered, hired, offers_ = _expected_timing(rows, entries, titles)
    for table, days in ((found["time-to-offer"], offered), (found["time-to-hire"], hired)):
        for row in table.rows:
            assert _approx(row[1:]) == _quartiles(days[row[0]]), (table.key, row[0])
        assert _approx(table.total[1:]) == _quartiles(days[None])
    for row in found["offers"].all_rows:
        want = offers_[None if row is found["offers"].total else row[0]]
        accepted, declined = want[S.PRE_EMPLOYMENT_CHECKS], want[S.OFFER_DECLINED]
        ended = want[S.WITHDRAWN] + want[S.UNSUCCESSFUL]
        rate = 100 * accepted / (accepted + declined) if accepted + declined else None
        assert row[1:] == (
            want["made"],
            accepted,
            declined,
            pytest.approx(rate) if rate is not None else None,
            want["waiting"],
            ended,
        )
        assert row[1] == row[2] + row[3] + row[5] + row[6]  # every offer is accounted for

    # Reasons for unsuccessful decisions, and for withdrawals, by the stage they were at.
    found = reasons.tables(outcome_queries.endings(campaign.id))
    decisions = [e for a in rows for e in entries[a.id] if e.to_status is S.UNSUCCESSFUL]
    given_codes = Counter(code for e in decisions for code in set(e.reasons))
    at = Counter((code, e.from_status) for e in decisions for code in set(e.reasons))
    _check_reasons(found, "unsuccessful", reasons.UNSUCCESSFUL_LABELS, decisions, given_codes, at)
    withdrawn = {a.id: a.withdrawal_reason for a in rows if a.status is S.WITHDRAWN}
    exits = [e for a in rows for e in entries[a.id] if e.to_status is S.WITHDRAWN]
    assert all(e.reasons == [withdrawn[e.application_id]] for e in exits)
    chose = Counter(withdrawn.values())
    at = Counter((withdrawn[e.application_id], e.from_status) for e in exits)
    _check_reasons(found, "withdrawals", reasons.WITHDRAWAL_LABELS, exits, chose, at)

    # Conversion by source: each applicant once, with their latest answer.
    table = conversion.conversion_table(outcome_queries.source_people(campaign.id))
    people = defaultdict(lambda: {"answer": None, "reached": set()})
    for application in rows:  # in the order they were submitted
        person = people[application.applicant_id]
        if application.heard_about is not None:
            person["answer"] = application.heard_about
        person["reached"] |= {e.to_status for e in entries[application.id]}
    labels = HEARD_ABOUT | {"a_retired_option": conversion.NO_LONGER_ASKED, None: "Not given"}
    for row in table.all_rows:
        mine = [p for p in people.values() if row is table.total or labels[p["answer"]] == row[0]]
        assert row[1] == len(mine), row[0]
        for n, stage in enumerate(conversion.STAGES):
            count = sum(stage in p["reached"] for p in mine)
            assert row[2 + 2 * n] == count, (row[0], stage)
            assert row[3 + 2 * n] == (pytest.approx(100 * count / len(mine)) if mine else None)


def _check_reasons(found, key, labels, endings, counts, at):
    table: Table = found[key]
    assert table.total[1] == len(endings)
    want = {labels[code]: n for code, n in counts.items()}
    assert {row[0]: row[1] for row in table.rows if row[1]} == want
    staged = found[f"{key}-by-stage"]
    for row in staged.rows:
        code = next(c for c, label in labels.items() if label == row[0])
        assert row[1:-1] == tuple(at[code, stage] for stage in reasons.EXIT_STAGES), row[0]
        assert row[-1] == counts[code]
    by_stage = Counter(e.from_status for e in endings)
    assert staged.total[1:] == (*(by_stage[s] for s in reasons.EXIT_STAGES), len(endings))
    assert set(by_stage) <= set(funnel.STAGES[:-1])
