"""England apprenticeship eligibility: the rules, and what they mean for the applicant.

The applicant answers a few questions before applying. Most of the rules have exceptions that
only a person can judge (refugee status, a course that finishes before the start date, a degree
in an unrelated subject), so this pre-check blocks only what is certainly impossible: being
under 16 when the apprenticeship starts. Everything else is explained in plain English and, where
someone needs to look at it, flagged for HR. Turning away an eligible applicant because of a
confusing question costs far more than a conversation with HR.

This module is pure (stdlib only) so the rules can be tested exhaustively without an app or a
database, and reused by the form, the check-your-answers page and the HR view alike.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MINIMUM_AGE = 16
# From 19, English and maths to level 2 are optional by agreement with the employer.
ENGLISH_MATHS_OPTIONAL_FROM_AGE = 19
# Level 2 English and maths are expected for apprenticeships at this level and above.
ENGLISH_MATHS_EXPECTED_FROM_LEVEL = 3

# Month names spelled out here rather than via %B, which follows the process locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Severity(enum.Enum):
    BLOCK = "block"  # cannot submit
    CHECK = "check"  # can submit; HR will check with you (flags the application for HR)
    NOTE = "note"  # information only, not a flag


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class SubjectLevel(enum.Enum):
    """The highest English or maths qualification the applicant holds."""

    LEVEL_2_OR_ABOVE = "level_2_or_above"
    LEVEL_1 = "level_1"
    ENTRY_LEVEL = "entry_level"
    NONE = "none"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return _SUBJECT_LEVEL_LABELS[self]


_SUBJECT_LEVEL_LABELS = {
    SubjectLevel.LEVEL_2_OR_ABOVE: "Level 2 or above (for example GCSE grade 4 or C, or above)",
    SubjectLevel.LEVEL_1: "Level 1 (for example GCSE grade 1 to 3, or D to G)",
    SubjectLevel.ENTRY_LEVEL: "Entry level",
    SubjectLevel.NONE: "No qualification yet",
    SubjectLevel.NOT_SURE: "I'm not sure",
}


@dataclass(frozen=True)
class EligibilityAnswers:
    """What the applicant told us. None means the question has not been answered yet."""

    date_of_birth: date | None
    right_to_work: Answer | None
    lived_in_uk_or_eea_3_years: Answer | None
    # Will you be in full-time education when the apprenticeship starts, or during it?
    full_time_education: Answer | None
    # Do you already hold a qualification in this subject at this level or higher?
    qualification_in_same_subject: Answer | None
    lives_in_area: Answer | None
    english_level: SubjectLevel | None
    maths_level: SubjectLevel | None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str


def long_date(value: date) -> str:
    """GOV.UK style, as tracker.formatting.long_date: 1 September 2027."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date.

    Someone is a year older from the start of their birthday, so a 16th birthday on the start
    date counts as 16. Someone born on 29 February has their birthday on 1 March in other years,
    as in UK law, which comparing (month, day) gives us without special-casing.
    """
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def assess(
    answers: EligibilityAnswers, *, starts_on: date, role_level: int, area_name: str
) -> list[Finding]:
    """Apply the rules to the answers: blocks first, then checks for HR, then notes."""
    if role_level < ENGLISH_MATHS_EXPECTED_FROM_LEVEL:
        # The English and maths rules below are only right for level 3 and above; giving
        # level 2 applicants advice written for level 3 would be worse than failing loudly.
        raise ValueError(f"Eligibility rules cover level 3 and above, not level {role_level}")

    start = long_date(starts_on)
    dob = answers.date_of_birth
    age = age_on(dob, starts_on) if dob is not None else None
    findings = [
        *_age(age, start=start),
        *_right_to_work(answers.right_to_work),
        *_residency(answers.lived_in_uk_or_eea_3_years),
        *_funding(answers, start=start),
        *_english_and_maths(answers, age=age),
        *_area(answers.lives_in_area, area_name=area_name),
    ]
    # sorted() is stable, so findings keep the order above within each severity.
    return sorted(findings, key=lambda finding: _SEVERITY_ORDER[finding.severity])


def _age(age: int | None, *, start: str) -> list[Finding]:
    if age is None or age >= MINIMUM_AGE:
        return []
    return [
        Finding(
            "too_young",
            Severity.BLOCK,
            f"You must be 16 or over by {start}, when the apprenticeship starts. "
            "You cannot apply for this campaign.",
        )
    ]


def _right_to_work(answer: Answer | None) -> list[Finding]:
    if answer is Answer.NO:
        return [
            Finding(
                "no_right_to_work",
                Severity.CHECK,
                "You need the right to work in the UK to start an apprenticeship. "
                "You can still apply. HR will contact you to talk about your situation.",
            )
        ]
    if answer is Answer.NOT_SURE:
        return [
            Finding(
                "right_to_work_unsure",
                Severity.CHECK,
                "You need the right to work in the UK to start an apprenticeship. "
                "You can still apply. HR will help you check. You may need to give us a share "
                "code or show documents, such as your passport, before you start.",
            )
        ]
    return []


def _residency(answer: Answer | None) -> list[Finding]:
    if answer not in (Answer.NO, Answer.NOT_SURE):
        return []
    return [
        Finding(
            "residency",
            Severity.CHECK,
            "You usually need to have lived in the UK or the European Economic Area for "
            "the last 3 years. There are exceptions, for example if you are a refugee. "
            "You can still apply. HR will check this with you.",
        )
    ]


def _funding(answers: EligibilityAnswers, *, start: str) -> list[Finding]:
    """The funding rules: not in full-time education, and learning something new."""
    findings: list[Finding] = []
    if answers.full_time_education in (Answer.YES, Answer.NOT_SURE):
        findings.append(
            Finding(
                "full_time_education",
                Severity.CHECK,
                "You cannot be in full-time education during the apprenticeship. "
                f"You can still apply if you will finish before {start}. "
                "HR will check this with you.",
            )
        )
    if answers.qualification_in_same_subject in (Answer.YES, Answer.NOT_SURE):
        findings.append(
            Finding(
                "same_subject_qualification",
                Severity.CHECK,
                "Funding rules mean you usually cannot do an apprenticeship in a subject you "
                "already have a qualification in, at the same level or higher. "
                "You can still apply. HR will check whether the apprenticeship would teach "
                "you something new.",
            )
        )
    return findings


def _area(answer: Answer | None, *, area_name: str) -> list[Finding]:
    if answer not in (Answer.NO, Answer.NOT_SURE):
        return []
    return [
        Finding(
            "lives_outside_area",
            Severity.NOTE,
            f"This campaign is for people who live in {area_name}. You can still apply. "
            "We will take this into account along with the rest of your application.",
        )
    ]


_SEVERITY_ORDER = {Severity.BLOCK: 0, Severity.CHECK: 1, Severity.NOTE: 2}
_BELOW_LEVEL_2 = frozenset(
    {SubjectLevel.LEVEL_1, SubjectLevel.ENTRY_LEVEL, SubjectLevel.NONE, SubjectLevel.NOT_SURE}
)


def _english_and_maths(answers: EligibilityAnswers, *, age: int | None) -> list[Finding]:
    subjects = [
        subject
        for subject, level in (("English", answers.english_level), ("maths", answers.maths_level))
        if level in _BELOW_LEVEL_2
    ]
    if not subjects:
        return []

    # Without a date of birth we cannot know the optional rule applies, so give the
    # under-19 advice, which asks nothing of the applicant that they might not owe.
    if age is not None and age >= ENGLISH_MATHS_OPTIONAL_FROM_AGE:
        named = " and ".join(subjects)
        # A CHECK, not a note: the agreement has to be recorded, and HR records it.
        return [
            Finding(
                "english_maths_optional_19_plus",
                Severity.CHECK,
                f"You told us you may not have {named} at level 2 (for example GCSE grade 4 "
                "or C). Apprentices usually work towards level 2. Because you will be 19 or "
                "over when you start, this is optional if you and your employer agree. "
                "HR will talk to you about it and record what you decide.",
            )
        ]

    return [
        Finding(
            f"{subject.lower()}_below_level_2",
            Severity.NOTE,
            f"If you do not have {subject} at level 2 (for example GCSE grade 4 or C), you "
            "will work towards it as part of the apprenticeship.",
        )
        for subject in subjects
    ]


def blocks(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.BLOCK]


def checks_for_hr(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.CHECK]


def needs_hr_check(findings: Iterable[Finding]) -> bool:
    return bool(checks_for_hr(findings))


def can_submit(findings: Iterable[Finding]) -> bool:
    return not blocks(findings)
