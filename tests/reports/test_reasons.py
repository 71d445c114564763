"""Reasons for unsuccessful decisions and withdrawals as HR reads them: every reason has a
label, a decision with several reasons counts once for each, the stage is the one they left
at, and what anyone wrote in their own words is never shown."""

from __future__ import annotations

from datetime import timedelta

from tests.reports import pages
from tracker.applications.forms import WITHDRAWAL_REASONS
from tracker.applications.models import TimelineEntry
from tracker.applications.states import REJECTION_REASONS, Status
from tracker.extensions import db
from tracker.reports import reasons

S = Status


def test_every_reason_a_form_offers_has_a_label_for_hr():
    assert set(reasons.UNSUCCESSFUL_LABELS) == set(REJECTION_REASONS)
    assert set(reasons.WITHDRAWAL_LABELS) == {code for code, _ in WITHDRAWAL_REASONS}


def _moved(application, from_status, to_status, *, days, codes=(), feedback=None):
    db.session.add(
        TimelineEntry(
            application_id=application.id,
            occurred_at=application.submitted_at + timedelta(days=days),
            event="reject",
            from_status=from_status,
            to_status=to_status,
            actor_label="hr@example.gov.uk",
            reasons=list(codes),
            feedback=feedback,
        )
    )


def test_reasons_are_counted_by_decision_and_stage(client, sign_in, hr, candidate):
    two = candidate(S.UNSUCCESSFUL)
    _moved(two, S.SUBMITTED, S.SIFT, days=1)
    _moved(
        two,
        S.SIFT,
        S.UNSUCCESSFUL,
        days=2,
        codes=["essential_criteria", "other"],
        feedback="Spoke to Zebedee about his spelling",
    )
    one = candidate(S.UNSUCCESSFUL)
    _moved(one, S.SUBMITTED, S.SIFT, days=1)
    _moved(one, S.SIFT, S.INTERVIEW, days=3)
    _moved(one, S.INTERVIEW, S.UNSUCCESSFUL, days=9, codes=["interview", "a_retired_code"])
    candidate(S.UNSUCCESSFUL)  # imported with no history: no reason, left where it was
    candidate(S.WITHDRAWN, withdrawal_reason="other", withdrawal_details="Moving to Zanzibar")
    candidate(S.WITHDRAWN, withdrawal_reason="other_job")
    candidate(S.INTERVIEW)  # still going: not counted
    db.session.flush()
    sign_in(hr)

    html = client.get("/staff/reports/reasons").get_data(as_text=True)

    counted = pages.table(html, "Reasons given for unsuccessful decisions")
    assert counted.column("Unsuccessful decisions") == {
        **dict.fromkeys(reasons.UNSUCCESSFUL_LABELS.values(), "0"),
        "Not enough evidence of the essential criteria": "1",
        "Another reason": "1",
        "Interview below the standard": "1",
        reasons.RETIRED: "1",
        reasons.NONE_RECORDED: "1",
        "All unsuccessful decisions": "3",
    }
    assert counted.row("Another reason")[2] == "33.3%"
    staged = pages.table(html, "Reasons given for unsuccessful decisions, by the stage")
    assert staged.head == [
        "Reason", "Applied", "Sift", "Assessment", "Interview", "Offer",
        "Pre-employment checks", "All stages",
    ]  # fmt: skip
    assert staged.row("Another reason")[1:] == ["0", "1", "0", "0", "0", "0", "1"]
    assert staged.row(reasons.RETIRED)[1:] == ["0", "0", "0", "1", "0", "0", "1"]
    assert staged.row(reasons.NONE_RECORDED)[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert staged.row("All unsuccessful decisions")[1:] == ["1", "1", "0", "1", "0", "0", "3"]
    withdrew = pages.table(html, "Why applicants withdrew")
    assert withdrew.row("Another reason")[1:] == ["1", "50%"]
    assert withdrew.row("Accepted another job or apprenticeship")[1:] == ["1", "50%"]
    assert reasons.RETIRED not in withdrew.column("Withdrawals")
    for words in ("Zebedee", "spelling", "Zanzibar"):
        assert words not in html
    assert len(pages.charts(html)) == 2


def test_a_table_or_campaign_the_reports_do_not_have_is_not_found(client, sign_in, hr, candidate):
    candidate()
    sign_in(hr)

    for path in (
        "/staff/reports/reasons.csv?table=nothing",
        "/staff/reports/time-to-hire.csv?table=nothing",
        "/staff/reports/comparison.csv?table=nothing",
        "/staff/reports/sources.csv?table=nothing",
        "/staff/reports/reasons?campaign=no-such-campaign",
        "/staff/reports/time-to-hire?campaign=no-such-campaign",
        "/staff/reports/comparison?campaign=no-such-campaign",
    ):
        assert client.get(path).status_code == 404, path


def test_with_no_campaign_the_new_pages_say_so(client, sign_in, hr):
    sign_in(hr)
    for path in (
        "/staff/reports/comparison",
        "/staff/reports/reasons",
        "/staff/reports/time-to-hire",
    ):
        assert "There are no campaigns yet" in client.get(path).get_data(as_text=True)
    for path in (
        "/staff/reports/comparison.csv",
        "/staff/reports/reasons.csv",
        "/staff/reports/time-to-hire.csv",
    ):
        assert client.get(path).status_code == 404
