"""The answers a real applicant gives, section by section, through the real forms."""

from __future__ import annotations

from tracker import clock

ADULT = clock.today().year - 18

SECTION_ANSWERS = {
    "personal-details": {
        "full_name": "Alex O\u2019Brien-Smith",
        "date_of_birth": ["14", "3", str(ADULT)],
        "address_line_1": "1 High Street",
        "address_line_2": "",
        "town": "Exampleton",
        "postcode": "sw1a1aa",
        "phone": "07911 123456",
        "preferred_contact": "email",
        "heard_about": "social_media",
    },
    "eligibility": {
        "right_to_work": "yes",
        "lived_in_uk_or_eea_3_years": "yes",
        "full_time_education": "no",
        "qualification_in_same_subject": "no",
        "lives_in_area": "yes",
    },
    "qualifications": {
        "english_level": "level_2_or_above",
        "maths_level": "level_1",
        "other_qualifications": "GCSE Computer Science, grade 6, 2024",
    },
    "adjustments": {"needs_adjustments": "yes", "adjustments": "Questions in writing"},
    "disability-confident": {"declares_disability": "yes", "disability_confident": "yes"},
    "equality": {"sex": "female", "ethnicity": "mixed", "care_experienced": "yes"},
}


def complete_every_section(post_form, application_id: int, criteria) -> None:
    base = f"/applications/{application_id}"
    for section, data in SECTION_ANSWERS.items():
        response = post_form(f"{base}/{section}", data)
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:3000])
    answer_every_question(post_form, application_id, criteria)
    assert post_form(f"{base}/cv", {"skip": "y"}).status_code == 302


def answer_every_question(post_form, application_id: int, criteria, answers=None) -> None:
    """The role's questions, one page each, in order: ``answers`` by criterion id, or a
    plain answer naming the criterion."""
    answers = answers or {}
    for number, criterion in enumerate(criteria, start=1):
        text = answers.get(criterion.id, f"At college I showed this: {criterion.text}.")
        path = f"/applications/{application_id}/questions/{number}"
        response = post_form(path, {f"answer_{criterion.id}": text})
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:3000])
