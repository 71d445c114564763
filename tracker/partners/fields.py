"""What a partner may see of a shared candidate. Pure: no database, no Flask.

A partner always sees the candidate's reference and the role applied for. HR may add the
fields below, one share at a time. Nothing else is ever shown to a partner: not contact
details, date of birth, address, eligibility answers, adjustments, disability answers,
equality monitoring answers, the CV (which usually holds contact details), the council's
notes and scores, or another organisation's feedback.
"""

from __future__ import annotations

NAME = "name"
QUALIFICATIONS = "qualifications"
ANSWERS = "answers"

SHAREABLE: dict[str, tuple[str, str]] = {
    NAME: (
        "Name",
        "So the partner can greet candidates at an assessment day. Leave it out for a "
        "name-blind review.",
    ),
    QUALIFICATIONS: (
        "Qualifications",
        "English and maths levels, and other qualifications (these may name schools).",
    ),
    ANSWERS: ("Answers to the role's questions", "What the candidate wrote about each criterion."),
}

DEFAULT = (ANSWERS,)


def clean(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The known codes among ``codes``, in a stable order, each once."""
    return [code for code in SHAREABLE if code in set(codes)]
