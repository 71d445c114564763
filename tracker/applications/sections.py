"""The sections of the task-list application, in the order the applicant meets them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    endpoint: str
    required: bool = True
    # Copied from the applicant's other application in the campaign when they start another.
    carried_over: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("personal_details", "Personal details", "applications.personal_details"),
    Section("eligibility", "Eligibility", "applications.eligibility"),
    Section("qualifications", "Qualifications", "applications.qualifications"),
    Section("questions", "Questions about this role", "applications.questions", carried_over=False),
    Section("cv", "CV", "applications.cv", required=False, carried_over=False),
    Section("adjustments", "Adjustments for interviews", "applications.adjustments"),
    Section(
        "disability_confident", "Disability Confident scheme", "applications.disability_confident"
    ),
    Section("equality", "Equality monitoring", "applications.equality", required=False),
)

BY_KEY = {section.key: section for section in SECTIONS}
REQUIRED = tuple(s.key for s in SECTIONS if s.required)
