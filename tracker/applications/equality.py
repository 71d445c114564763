"""The equality monitoring questions and their answers.

Modelled on the ONS 2021 census categories (England) that councils report against, plus
the local measures in the brief: care experience and free school meals. Every question has
'prefer not to say'. The codes are stored; the labels are only ever shown to the applicant.
"""

from __future__ import annotations

PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")

QUESTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "sex": (
        "What is your sex?",
        [("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY],
    ),
    "gender_same_as_birth": (
        "Is the gender you identify with the same as your sex registered at birth?",
        [("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY],
    ),
    "sexual_orientation": (
        "Which of the following best describes your sexual orientation?",
        [
            ("straight", "Straight or heterosexual"),
            ("gay_or_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Another sexual orientation"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    "ethnicity": (
        "What is your ethnic group?",
        [
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Another ethnic group"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    "religion": (
        "What is your religion?",
        [
            ("none", "No religion"),
            ("buddhist", "Buddhist"),
            ("christian", "Christian"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Another religion"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    "disability": (
        "Do you have a physical or mental health condition or illness lasting or expected to "
        "last 12 months or more?",
        [("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY],
    ),
    "care_experienced": (
        "Have you ever been in care, or are you in care now?",
        [("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY],
    ),
    "free_school_meals": (
        "Were you eligible for free school meals at any point during your school years?",
        [("yes", "Yes"), ("no", "No"), ("not_sure", "I'm not sure"), PREFER_NOT_TO_SAY],
    ),
}


def label_for(question: str, code: str | None) -> str:
    if code is None:
        return "Not answered"
    return dict(QUESTIONS[question][1]).get(code, "Not answered")
