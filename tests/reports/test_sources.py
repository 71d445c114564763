"""Where applicants heard of the programme (each person once, "Not given" included) and what
the eligibility pre-check flagged (by finding and severity, never the message)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import ApplicantFactory
from tests.reports import pages
from tracker.applications import eligibility
from tracker.applications.eligibility import Answer, EligibilityAnswers, SubjectLevel
from tracker.applications.forms import HEARD_ABOUT
from tracker.applications.states import Status
from tracker.reports import sources

CHECK = [{"code": "no_right_to_work", "severity": "check", "message": "Born 29 February 2008"}]
NOTE = [{"code": "english_below_level_2", "severity": "note", "message": "Aged 17 on the start"}]


def test_each_applicant_counts_once_with_their_latest_answer(client, sign_in, hr, candidate, roles):
    both = ApplicantFactory()
    candidate(applicant=both, heard_about="event")
    candidate(applicant=both, role=roles[1], heard_about="social_media")  # later: this counts
    candidate(heard_about="social_media")
    candidate(heard_about=None)
    candidate(heard_about="a_retired_option")
    sign_in(hr)

    html = client.get("/staff/reports/sources").get_data(as_text=True)

    table = pages.table(html, "Where applicants heard of the programme")
    assert table.column("Applicants") == {
        **dict.fromkeys(HEARD_ABOUT.values(), "0"),
        HEARD_ABOUT["social_media"]: "2",
        sources.NO_LONGER_ASKED: "1",
        sources.NOT_GIVEN: "1",
        "All applicants": "4",
    }
    assert table.row(HEARD_ABOUT["social_media"])[2] == "50%"
    assert [row[0] for row in table.body][-3:] == [
        sources.NO_LONGER_ASKED,
        sources.NOT_GIVEN,
        "All applicants",
    ]


def test_flags_are_counted_by_finding_and_never_show_the_message(client, sign_in, hr, candidate):
    candidate(eligibility_findings=CHECK + NOTE, needs_hr_check=True)
    candidate(eligibility_findings=CHECK, needs_hr_check=True)
    candidate(eligibility_findings=NOTE)
    candidate(Status.WITHDRAWN, eligibility_findings=[{"severity": "check"}], needs_hr_check=True)
    # After anonymisation only the code and severity are left, and they still count.
    candidate(
        eligibility_findings=[{"code": "residency", "severity": "check"}], needs_hr_check=True
    )
    sign_in(hr)

    html = client.get("/staff/reports/sources").get_data(as_text=True)

    assert "4 of 5 applications (80%) were flagged for HR to check." in html
    table = pages.table(html, "What the eligibility pre-check found")
    assert table.body == [
        ["No right to work in the UK", "HR to check", "2", "40%"],
        ["Not lived in the UK or EEA for 3 years, or not sure", "HR to check", "1", "20%"],
        ["A finding with no code recorded", "HR to check", "1", "20%"],
        ["English below level 2: will work towards it", "Information only", "2", "40%"],
    ]
    for message in ("29 February", "2008", "Aged 17"):
        assert message not in html
    csv = pages.read_csv(client.get("/staff/reports/sources.csv?table=eligibility"))
    assert csv[0] == ["Finding", "Kind of finding", "Applications", "% of applications"]
    assert csv[1] == ["No right to work in the UK", "HR to check", "2", "40"]
    assert "29 February" not in str(csv)


answers = st.builds(
    EligibilityAnswers,
    date_of_birth=st.none() | st.dates(),
    right_to_work=st.none() | st.sampled_from(Answer),
    lived_in_uk_or_eea_3_years=st.none() | st.sampled_from(Answer),
    full_time_education=st.none() | st.sampled_from(Answer),
    qualification_in_same_subject=st.none() | st.sampled_from(Answer),
    lives_in_area=st.none() | st.sampled_from(Answer),
    english_level=st.none() | st.sampled_from(SubjectLevel),
    maths_level=st.none() | st.sampled_from(SubjectLevel),
)


@settings(max_examples=300, deadline=None)
@given(answers=answers, starts_on=st.dates())
def test_every_finding_the_pre_check_can_make_has_a_plain_english_label(answers, starts_on):
    for finding in eligibility.assess(
        answers, starts_on=starts_on, role_level=3, area_name="Example Borough"
    ):
        assert finding.code in sources.FINDING_LABELS
        assert finding.severity.value in sources.SEVERITY_LABELS
