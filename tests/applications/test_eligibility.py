"""The eligibility rules: what blocks, what HR checks, and what the applicant is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.applications.eligibility import (
    Answer,
    EligibilityAnswers,
    Finding,
    Severity,
    SubjectLevel,
    age_on,
    assess,
    blocks,
    can_submit,
    checks_for_hr,
    long_date,
    needs_hr_check,
)

STARTS_ON = date(2027, 9, 1)
AREA = "Kirklees"

# Everything a straightforward 20-year-old local applicant would say.
ALL_GOOD = EligibilityAnswers(
    date_of_birth=date(2007, 3, 14),
    right_to_work=Answer.YES,
    lived_in_uk_or_eea_3_years=Answer.YES,
    full_time_education=Answer.NO,
    qualification_in_same_subject=Answer.NO,
    lives_in_area=Answer.YES,
    english_level=SubjectLevel.LEVEL_2_OR_ABOVE,
    maths_level=SubjectLevel.LEVEL_2_OR_ABOVE,
)

UNANSWERED = EligibilityAnswers(
    date_of_birth=None,
    right_to_work=None,
    lived_in_uk_or_eea_3_years=None,
    full_time_education=None,
    qualification_in_same_subject=None,
    lives_in_area=None,
    english_level=None,
    maths_level=None,
)

BELOW_LEVEL_2 = [
    SubjectLevel.LEVEL_1,
    SubjectLevel.ENTRY_LEVEL,
    SubjectLevel.NONE,
    SubjectLevel.NOT_SURE,
]


def run(answers: EligibilityAnswers = ALL_GOOD, **overrides) -> list[Finding]:
    return assess(replace(answers, **overrides), starts_on=STARTS_ON, role_level=3, area_name=AREA)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def test_all_good_answers_produce_no_findings():
    assert run() == []


@pytest.mark.parametrize("role_level", [3, 4])
def test_unanswered_questions_produce_no_findings(role_level):
    assert assess(UNANSWERED, starts_on=STARTS_ON, role_level=role_level, area_name=AREA) == []


@pytest.mark.parametrize("role_level", [0, 1, 2])
def test_levels_below_3_are_refused_rather_than_given_the_wrong_advice(role_level):
    with pytest.raises(ValueError, match="level 3 and above"):
        assess(ALL_GOOD, starts_on=STARTS_ON, role_level=role_level, area_name=AREA)


@pytest.mark.parametrize(
    ("date_of_birth", "on", "expected"),
    [
        (date(2011, 9, 1), date(2027, 9, 1), 16),  # the birthday itself counts
        (date(2011, 9, 2), date(2027, 9, 1), 15),  # one day short
        (date(2011, 8, 31), date(2027, 9, 1), 16),
        (date(2027, 9, 1), date(2027, 9, 1), 0),
        (date(2000, 1, 1), date(2027, 12, 31), 27),
        (date(2000, 12, 31), date(2027, 1, 1), 26),
        # 29 February: in other years the birthday is 1 March.
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2012, 2, 29), date(2028, 2, 28), 15),
        (date(2012, 2, 29), date(2028, 2, 29), 16),
        (date(2008, 2, 29), date(2027, 2, 28), 18),
        (date(2008, 2, 29), date(2027, 3, 1), 19),
        # Born after the date: not yet born, and certainly not 16.
        (date(2028, 1, 1), date(2027, 9, 1), -1),
    ],
)
def test_age_on(date_of_birth, on, expected):
    assert age_on(date_of_birth, on) == expected


@pytest.mark.parametrize(
    ("date_of_birth", "starts_on", "blocked"),
    [
        (date(2011, 9, 1), date(2027, 9, 1), False),  # 16th birthday on the start date
        (date(2011, 9, 2), date(2027, 9, 1), True),  # one day short
        (date(2011, 8, 31), date(2027, 9, 1), False),
        (date(2000, 1, 1), date(2027, 9, 1), False),
        (date(2027, 10, 1), date(2027, 9, 1), True),  # born after the start date
        # 29 February birthdays when the start date is in a non-leap year.
        (date(2012, 2, 29), date(2028, 2, 28), True),
        (date(2012, 2, 29), date(2028, 2, 29), False),
        (date(2011, 2, 28), date(2027, 2, 28), False),
        (date(2008, 2, 29), date(2025, 2, 28), False),  # a leap year birthday, turning 17
        (date(2012, 2, 29), date(2029, 2, 28), False),
        (date(2013, 2, 28), date(2029, 2, 28), False),
        (date(2013, 3, 1), date(2029, 2, 28), True),
    ],
)
def test_too_young_at_the_start_date_blocks(date_of_birth, starts_on, blocked):
    findings = assess(
        replace(ALL_GOOD, date_of_birth=date_of_birth),
        starts_on=starts_on,
        role_level=3,
        area_name=AREA,
    )
    assert (codes(blocks(findings)) == ["too_young"]) is blocked
    assert can_submit(findings) is not blocked


def test_too_young_message_names_the_start_date():
    [finding] = run(date_of_birth=date(2012, 1, 1))
    assert finding == Finding(
        "too_young",
        Severity.BLOCK,
        "You must be 16 or over by 1 September 2027, when the apprenticeship starts. "
        "You cannot apply for this campaign.",
    )


@pytest.mark.parametrize(
    ("field", "answer", "code"),
    [
        ("right_to_work", Answer.NO, "no_right_to_work"),
        ("right_to_work", Answer.NOT_SURE, "right_to_work_unsure"),
        ("lived_in_uk_or_eea_3_years", Answer.NO, "residency"),
        ("lived_in_uk_or_eea_3_years", Answer.NOT_SURE, "residency"),
        ("full_time_education", Answer.YES, "full_time_education"),
        ("full_time_education", Answer.NOT_SURE, "full_time_education"),
        ("qualification_in_same_subject", Answer.YES, "same_subject_qualification"),
        ("qualification_in_same_subject", Answer.NOT_SURE, "same_subject_qualification"),
    ],
)
def test_answers_hr_must_check_are_flagged_but_can_be_submitted(field, answer, code):
    findings = run(**{field: answer})
    assert codes(findings) == [code]
    assert findings[0].severity is Severity.CHECK
    assert "HR" in findings[0].message
    assert needs_hr_check(findings)
    assert can_submit(findings)


@pytest.mark.parametrize(
    ("field", "answer"),
    [
        ("right_to_work", Answer.YES),
        ("lived_in_uk_or_eea_3_years", Answer.YES),
        ("full_time_education", Answer.NO),
        ("qualification_in_same_subject", Answer.NO),
        ("lives_in_area", Answer.YES),
    ],
)
def test_the_expected_answer_produces_no_finding(field, answer):
    assert run(**{field: answer}) == []


@pytest.mark.parametrize(
    "field",
    [
        "date_of_birth",
        "right_to_work",
        "lived_in_uk_or_eea_3_years",
        "full_time_education",
        "qualification_in_same_subject",
        "lives_in_area",
        "english_level",
        "maths_level",
    ],
)
def test_a_missing_answer_produces_no_finding(field):
    assert run(**{field: None}) == []


def test_residency_mentions_the_exceptions():
    [finding] = run(lived_in_uk_or_eea_3_years=Answer.NO)
    assert "3 years" in finding.message
    assert "refugee" in finding.message


def test_full_time_education_says_when_they_must_finish_by():
    [finding] = run(full_time_education=Answer.YES)
    assert "finish before 1 September 2027" in finding.message


def test_right_to_work_unsure_explains_how_to_check():
    [finding] = run(right_to_work=Answer.NOT_SURE)
    assert "share code" in finding.message


@pytest.mark.parametrize("answer", [Answer.NO, Answer.NOT_SURE])
def test_living_outside_the_area_is_a_note_naming_the_area(answer):
    findings = run(lives_in_area=answer)
    assert findings == [
        Finding(
            "lives_outside_area",
            Severity.NOTE,
            "This campaign is for people who live in Kirklees. You can still apply. "
            "We will take this into account along with the rest of your application.",
        )
    ]
    assert not needs_hr_check(findings)
    assert can_submit(findings)


# English and maths. 19 on the start date makes level 2 optional by agreement.
UNDER_19 = date(2008, 9, 2)  # 18 on 1 September 2027, 19 the next day
EXACTLY_19 = date(2008, 9, 1)


@pytest.mark.parametrize("role_level", [3, 4])
@pytest.mark.parametrize("level", BELOW_LEVEL_2)
@pytest.mark.parametrize(
    ("english", "expected"),
    [(True, ["english_below_level_2"]), (False, ["maths_below_level_2"])],
)
def test_under_19_below_level_2_is_a_note_per_subject(role_level, level, english, expected):
    subject = "english_level" if english else "maths_level"
    findings = assess(
        replace(ALL_GOOD, date_of_birth=UNDER_19, **{subject: level}),
        starts_on=STARTS_ON,
        role_level=role_level,
        area_name=AREA,
    )
    assert codes(findings) == expected
    assert findings[0].severity is Severity.NOTE
    assert "work towards it" in findings[0].message
    assert not needs_hr_check(findings)


@pytest.mark.parametrize("date_of_birth", [UNDER_19, None])
def test_under_19_or_unknown_age_gets_a_note_for_each_subject(date_of_birth):
    findings = run(
        date_of_birth=date_of_birth,
        english_level=SubjectLevel.NONE,
        maths_level=SubjectLevel.NOT_SURE,
    )
    assert codes(findings) == ["english_below_level_2", "maths_below_level_2"]
    assert "English at level 2" in findings[0].message
    assert "maths at level 2" in findings[1].message


@pytest.mark.parametrize("role_level", [3, 4])
@pytest.mark.parametrize(
    ("english", "maths", "named"),
    [
        (SubjectLevel.LEVEL_1, SubjectLevel.LEVEL_2_OR_ABOVE, "have English at"),
        (SubjectLevel.LEVEL_2_OR_ABOVE, SubjectLevel.ENTRY_LEVEL, "have maths at"),
        (SubjectLevel.NONE, SubjectLevel.NOT_SURE, "have English and maths at"),
    ],
)
@pytest.mark.parametrize("date_of_birth", [EXACTLY_19, date(1990, 5, 5)])
def test_19_or_over_is_one_check_so_hr_records_the_agreement(
    role_level, english, maths, named, date_of_birth
):
    findings = assess(
        replace(ALL_GOOD, date_of_birth=date_of_birth, english_level=english, maths_level=maths),
        starts_on=STARTS_ON,
        role_level=role_level,
        area_name=AREA,
    )
    assert codes(findings) == ["english_maths_optional_19_plus"]
    assert findings[0].severity is Severity.CHECK
    assert named in findings[0].message
    assert "optional" in findings[0].message
    assert "record" in findings[0].message
    assert needs_hr_check(findings)
    assert can_submit(findings)


@pytest.mark.parametrize(
    ("english", "maths"),
    [
        (SubjectLevel.LEVEL_2_OR_ABOVE, SubjectLevel.LEVEL_2_OR_ABOVE),
        (SubjectLevel.LEVEL_2_OR_ABOVE, None),
        (None, SubjectLevel.LEVEL_2_OR_ABOVE),
    ],
)
@pytest.mark.parametrize("date_of_birth", [UNDER_19, EXACTLY_19, None])
def test_level_2_or_above_produces_nothing_at_any_age(english, maths, date_of_birth):
    assert run(date_of_birth=date_of_birth, english_level=english, maths_level=maths) == []


def test_findings_are_ordered_block_then_check_then_note():
    findings = run(
        date_of_birth=date(2012, 1, 1),
        right_to_work=Answer.NOT_SURE,
        lived_in_uk_or_eea_3_years=Answer.NO,
        full_time_education=Answer.YES,
        qualification_in_same_subject=Answer.NOT_SURE,
        lives_in_area=Answer.NO,
        english_level=SubjectLevel.LEVEL_1,
        maths_level=SubjectLevel.NONE,
    )
    assert codes(findings) == [
        "too_young",
        "right_to_work_unsure",
        "residency",
        "full_time_education",
        "same_subject_qualification",
        "english_below_level_2",
        "maths_below_level_2",
        "lives_outside_area",
    ]
    assert codes(blocks(findings)) == ["too_young"]
    assert codes(checks_for_hr(findings)) == codes(findings)[1:5]
    assert not can_submit(findings)


def test_the_19_plus_check_sorts_before_notes_it_was_raised_alongside():
    findings = run(
        lives_in_area=Answer.NO,
        english_level=SubjectLevel.LEVEL_1,
        right_to_work=Answer.NO,
    )
    assert codes(findings) == [
        "no_right_to_work",
        "english_maths_optional_19_plus",
        "lives_outside_area",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 9, 1), "1 September 2027"),
        (date(2026, 6, 18), "18 June 2026"),
        (date(2028, 2, 29), "29 February 2028"),
    ],
)
def test_long_date(value, expected):
    assert long_date(value) == expected


def test_subject_level_labels_are_plain_english():
    assert {level: level.label for level in SubjectLevel} == {
        SubjectLevel.LEVEL_2_OR_ABOVE: (
            "Level 2 or above (for example GCSE grade 4 or C, or above)"
        ),
        SubjectLevel.LEVEL_1: "Level 1 (for example GCSE grade 1 to 3, or D to G)",
        SubjectLevel.ENTRY_LEVEL: "Entry level",
        SubjectLevel.NONE: "No qualification yet",
        SubjectLevel.NOT_SURE: "I'm not sure",
    }


def test_helpers_on_no_findings():
    assert blocks([]) == []
    assert checks_for_hr([]) == []
    assert not needs_hr_check([])
    assert can_submit([])


def optional(enum_type):
    return st.sampled_from([*enum_type, None])


@given(
    answers=st.builds(
        EligibilityAnswers,
        date_of_birth=st.none() | st.dates(),
        right_to_work=optional(Answer),
        lived_in_uk_or_eea_3_years=optional(Answer),
        full_time_education=optional(Answer),
        qualification_in_same_subject=optional(Answer),
        lives_in_area=optional(Answer),
        english_level=optional(SubjectLevel),
        maths_level=optional(SubjectLevel),
    ),
    starts_on=st.dates(),
    role_level=st.sampled_from([3, 4]),
    area_name=st.text(max_size=40),
)
def test_assess_never_raises_and_blocks_only_the_too_young(
    answers, starts_on, role_level, area_name
):
    findings = assess(answers, starts_on=starts_on, role_level=role_level, area_name=area_name)

    too_young = answers.date_of_birth is not None and age_on(answers.date_of_birth, starts_on) < 16
    assert can_submit(findings) is not too_young
    assert codes(blocks(findings)) == (["too_young"] if too_young else [])

    order = {Severity.BLOCK: 0, Severity.CHECK: 1, Severity.NOTE: 2}
    ranks = [order[finding.severity] for finding in findings]
    assert ranks == sorted(ranks)
    assert len(set(codes(findings))) == len(findings)
    assert all(finding.message for finding in findings)
    assert needs_hr_check(findings) is any(f.severity is Severity.CHECK for f in findings)
