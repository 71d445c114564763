"""How far a draft has got: each section's status, what is left to do, and what the
eligibility pre-check finds in its answers. Reads only; nothing here changes an application."""

from __future__ import annotations

from datetime import date

from flask import current_app

from tracker.applications import eligibility
from tracker.applications.models import Application
from tracker.applications.sections import BY_KEY, SECTIONS, Section
from tracker.catalogue.models import Campaign


def can_rank(campaign: Campaign, today: date) -> bool:
    """Preferences are the applicant's to change until applications close; then staff rely
    on them."""
    return today <= campaign.closes_on


def eligibility_answers(application: Application) -> eligibility.EligibilityAnswers:
    def answer(value):
        return eligibility.Answer(value) if value else None

    def level(value):
        return eligibility.SubjectLevel(value) if value else None

    return eligibility.EligibilityAnswers(
        date_of_birth=application.date_of_birth,
        right_to_work=answer(application.right_to_work),
        lived_in_uk_or_eea_3_years=answer(application.lived_in_uk_or_eea_3_years),
        full_time_education=answer(application.full_time_education),
        qualification_in_same_subject=answer(application.qualification_in_same_subject),
        lives_in_area=answer(application.lives_in_area),
        english_level=level(application.english_level),
        maths_level=level(application.maths_level),
    )


def findings_for(application: Application) -> list[eligibility.Finding]:
    return eligibility.assess(
        eligibility_answers(application),
        starts_on=application.role.campaign.expected_start_on,
        role_level=application.role.level,
        area_name=current_app.config["LOCAL_AREA_NAME"],
    )


def questions_answered(application: Application) -> bool:
    """Every current essential criterion has an answer. The catalogue may add a criterion
    after the section was saved: then the section needs finishing again."""
    asked = {c.id for c in application.role.essential_criteria}
    answered = {a.criterion_id for a in application.answers}
    return asked <= answered


def questions_progress(application: Application) -> tuple[int, int]:
    """(how many of the role's current questions are answered, how many it asks)."""
    asked = {c.id for c in application.role.essential_criteria}
    return len(asked & {a.criterion_id for a in application.answers}), len(asked)


def _is_complete(application: Application, key: str) -> bool:
    if key == "questions":
        return questions_answered(application)
    return key in application.completed_sections


def incomplete_sections(application: Application) -> list[Section]:
    return [s for s in SECTIONS if s.required and not _is_complete(application, s.key)]


def section_status(application: Application, key: str) -> str:
    if _is_complete(application, key):
        return "completed"
    if key == "questions" and application.answers:
        return "in_progress"
    return "not_started" if BY_KEY[key].required else "optional"
