"""Given a campaign whose candidates moved through the real pipeline, when HR opens the funnel,
then its figures match what the applications and their timelines say, by role, track and level,
on the page and in the CSV files."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta
from statistics import median

import pytest
from sqlalchemy import select

from tests.factories import ApplicantFactory, ApplicationFactory, CampaignFactory, RoleFactory
from tests.reports import pages
from tracker import clock
from tracker.applications import pipeline, submission
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import ACTIVE, Actor, Event, Status, events_from
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.reports import funnel, queries
from tracker.screening import services as screening

S = Status
STAGES = funnel.STAGES
EXITS = funnel.EXITS


class FakeClock:
    """Stands in for utcnow where moves are stamped, so that stages take known times."""

    def __init__(self):
        self.now = clock.utcnow() - timedelta(days=200)

    def __call__(self):
        return self.now


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(pipeline, "utcnow", fake)
    monkeypatch.setattr(submission, "utcnow", fake)
    return fake


def _step(rng, application, hr) -> bool:
    """One random but valid move, by whoever makes it in real life; False to stop here."""
    status = application.status
    if status not in ACTIVE or rng.random() < 0.2:
        return False
    # Mostly onwards: a rejection or a withdrawal now and then, at any stage.
    onwards = [
        e for e in events_from(status, Actor.STAFF, manual_only=True) if e is not Event.REJECT
    ]
    choices = onwards * 4 + [Event.REJECT] + [Event.WITHDRAW] * (rng.random() < 0.3)
    if status is S.OFFER:
        choices += [Event.ACCEPT_OFFER, Event.ACCEPT_OFFER, Event.DECLINE_OFFER]
    if status is S.PRE_EMPLOYMENT_CHECKS:
        choices += [Event.CONFIRM_HIRED] * 3
    event = rng.choice(choices)
    if event is Event.WITHDRAW:
        submission.withdraw_application(
            applicant=application.applicant,
            application=application,
            reason="personal",
            details=None,
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
        screening.move_candidate(
            actor=hr,
            application=application,
            event=event,
            expected_version=application.version,
            reasons=["essential_criteria"] if event is Event.REJECT else None,
            starts_on=clock.today() + timedelta(days=90) if event is Event.MAKE_OFFER else None,
        )
    return True


def _generate(rng, campaign, roles, hr, fake_clock, count) -> list[Application]:
    """Applicants apply to one to three roles, and each application goes its own way."""
    made = []
    while len(made) < count:
        applicant = ApplicantFactory()
        for role in rng.sample(roles, rng.randint(1, min(3, len(roles)))):
            application = ApplicationFactory(applicant=applicant, role=role, complete=True)
            fake_clock.now += timedelta(hours=rng.randint(1, 12))
            submission.submit_application(
                applicant=applicant, application=application, today=clock.today()
            )
            made.append(application)
    for application in made:
        moved_at = application.submitted_at
        while True:
            moved_at += timedelta(hours=rng.randint(1, 24 * 14))
            fake_clock.now = moved_at
            if not _step(rng, application, hr):
                break
    return made


def _independent(campaign) -> dict:
    """The same figures, counted straight from the applications and their timelines."""
    rows = db.session.execute(
        select(Application.id, Application.role_id, Application.status, Application.submitted_at)
        .join(Role)
        .where(Role.campaign_id == campaign.id, Application.status != S.DRAFT)
    ).all()
    ids = [row.id for row in rows]
    timeline = defaultdict(list)
    for entry in db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.application_id.in_(ids))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    ):
        timeline[entry.application_id].append(entry)
    figures = defaultdict(lambda: {"reached": Counter(), "current": Counter(), "left": Counter()})
    days = defaultdict(list)
    for row in rows:
        entries = timeline[row.id]
        reached = {S.SUBMITTED} | {e.to_status for e in entries if e.to_status in STAGES}
        if row.status in STAGES:
            reached.add(row.status)
        for key in (None, row.role_id):
            figures[key]["reached"].update(reached)
            figures[key]["current"][row.status] += 1
            for e in entries:
                if e.to_status in EXITS:
                    figures[key]["left"][e.to_status, e.from_status] += 1
        for e in entries:
            if e.from_status in STAGES:
                entered = (
                    row.submitted_at
                    if e.from_status is S.SUBMITTED
                    else next(x.occurred_at for x in entries if x.to_status is e.from_status)
                )
                days[e.from_status].append((e.occurred_at - entered).total_seconds() / 86400)
    return {"figures": figures, "days": days, "count": len(rows)}


@pytest.mark.slow  # a generated campaign
@pytest.mark.parametrize("seed", [20260, 31415])
def test_the_funnel_reconciles_with_the_pipeline_on_a_generated_campaign(
    client, sign_in, hr, fake_clock, seed
):
    rng = random.Random(seed)
    campaign = CampaignFactory()
    roles = [
        RoleFactory(campaign=campaign, level=rng.choice((3, 4)), title=f"Role {n}")
        for n in range(rng.randint(3, 5))
    ]
    made = _generate(rng, campaign, roles, hr, fake_clock, rng.randint(60, 120))
    ApplicationFactory(role=roles[0], complete=True)  # a draft: never counted
    ApplicationFactory(submitted=True)  # another campaign's: not counted here
    expected = _independent(campaign)

    report = queries.funnel_report(campaign, "role")

    assert report.overall.applications == len(made) == expected["count"]
    for key, funnel_ in [(None, report.overall), *((g.key, g) for g in report.groups)]:
        want = expected["figures"][key]
        assert funnel_.current == dict(want["current"])
        for f in funnel_.stages:
            assert f.reached == want["reached"][f.stage], (key, f.stage)
            assert f.now_here == want["current"][f.stage]
            assert f.unsuccessful == want["left"][S.UNSUCCESSFUL, f.stage]
            assert f.withdrew == want["left"][S.WITHDRAWN, f.stage]
            assert f.declined == want["left"][S.OFFER_DECLINED, f.stage]
            # Totals add up: everyone who reached a stage is still there, moved on or left.
            assert f.reached == f.now_here + f.moved_on + f.left
            if f.reached and f.stage is not S.HIRED:
                assert f.moved_on_percent == pytest.approx(100 * f.moved_on / f.reached)
            else:  # nothing to move on from, or nobody to move on
                assert f.moved_on_percent is None
        for exit_status in EXITS:
            assert funnel_.left_total(exit_status) == want["current"][exit_status]
    # The groups add up to the whole.
    for f in report.overall.stages:
        assert f.reached == sum(g.figures(f.stage).reached for g in report.groups)
    # Moving on from a stage means reaching a later one, so conversions chain: those who
    # moved on from sift are those who reached assessment or interview.
    overall = report.overall
    assert overall.figures(S.SUBMITTED).moved_on == overall.figures(S.SIFT).reached
    assert overall.figures(S.INTERVIEW).moved_on == overall.figures(S.OFFER).reached
    assert overall.figures(S.OFFER).moved_on == overall.figures(S.PRE_EMPLOYMENT_CHECKS).reached
    for f in overall.stages:
        wanted = expected["days"][f.stage]
        assert f.timed == len(wanted)
        assert f.median_days == (pytest.approx(median(wanted)) if wanted else None)
    for grouping in ("track", "level"):
        grouped = queries.funnel_report(campaign, grouping)
        assert grouped.overall == report.overall
        for f in grouped.overall.stages:
            assert f.reached == sum(g.figures(f.stage).reached for g in grouped.groups)

    # The page and its CSV file say the same.
    sign_in(hr)
    page = client.get(f"/staff/reports/funnel?campaign={campaign.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    stages = pages.table(html, "Applications reaching each stage")
    assert stages.column("Applications") == {
        funnel.STAGE_LABELS[f.stage]: f"{f.reached:,}" for f in overall.stages
    }
    rows = pages.read_csv(
        client.get(f"/staff/reports/funnel.csv?campaign={campaign.slug}&group=role&table=detail")
    )
    head, body = rows[0], rows[1:]
    assert head[:4] == ["Role", "Stage", "Reached", "Now at this stage"]
    for f in overall.stages:
        row = next(r for r in body if r[:2] == ["All applications", funnel.STAGE_LABELS[f.stage]])
        assert [int(n) for n in row[2:4]] == [f.reached, f.now_here]
    assert len(body) == (1 + len(roles)) * len(STAGES)
