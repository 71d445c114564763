"""An application for one role, its answers, its CV, and (apart) its equality answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.applicants.models import Applicant
from tracker.applications.states import UNRANKED, Status
from tracker.catalogue.models import Criterion, Role
from tracker.extensions import db
from tracker.types import UtcDateTime

_STATUS = db.Enum(Status, name="application_status", values_callable=lambda e: [m.value for m in e])
# The same PostgreSQL type again, for the timeline's columns.
_TIMELINE_STATUS = db.Enum(
    Status,
    name="application_status",
    values_callable=lambda e: [m.value for m in e],
    create_type=False,
)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        # One application per applicant and role, whatever the web tier thinks.
        UniqueConstraint("applicant_id", "role_id"),
        CheckConstraint(
            "status = 'draft' OR (reference IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_reference",
        ),
        CheckConstraint(
            "status != 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawn_has_reason",
        ),
        CheckConstraint("preference >= 1", name="preference_from_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicant.id", ondelete="RESTRICT"), index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="RESTRICT"), index=True)
    status: Mapped[Status] = mapped_column(_STATUS, default=Status.DRAFT, index=True)
    # When the application last changed stage: "waiting N days" counts from here.
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The applicant's ranking of their applications in a campaign: 1 is their first choice.
    preference: Mapped[int] = mapped_column(default=1)
    reference: Mapped[str | None] = mapped_column(String(12), unique=True)
    # Bumped by every change of state, so that two people acting at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)
    completed_sections: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(40))
    withdrawal_details: Mapped[str | None] = mapped_column(Text)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Kept by screening.scorecards.submit_scorecard from the submitted scorecards, so that the
    # pipeline list sorts and filters by score from this row alone: the mean of every score
    # given (None until the first scorecard), and how many reviewers gave them.
    score_average: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    score_count: Mapped[int] = mapped_column(default=0, server_default="0")

    # Personal details
    full_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # The equality report's age band (a code of reports/age_bands.py), written only when the
    # date of birth is blanked (reports/personal_data.py), so the report counts the same after
    # retention; until then the report works the band out from the date itself.
    age_band: Mapped[str | None] = mapped_column(String(20))
    address_line_1: Mapped[str | None] = mapped_column(String(100))
    address_line_2: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(60))
    postcode: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(30))
    preferred_contact: Mapped[str | None] = mapped_column(String(10))
    # Where they heard of the programme (a code from forms.HEARD_ABOUT), for HR's reports.
    heard_about: Mapped[str | None] = mapped_column(String(30))

    # Eligibility (values of eligibility.Answer)
    right_to_work: Mapped[str | None] = mapped_column(String(10))
    lived_in_uk_or_eea_3_years: Mapped[str | None] = mapped_column(String(10))
    full_time_education: Mapped[str | None] = mapped_column(String(10))
    qualification_in_same_subject: Mapped[str | None] = mapped_column(String(10))
    lives_in_area: Mapped[str | None] = mapped_column(String(10))

    # Qualifications (values of eligibility.SubjectLevel)
    english_level: Mapped[str | None] = mapped_column(String(20))
    maths_level: Mapped[str | None] = mapped_column(String(20))
    other_qualifications: Mapped[str | None] = mapped_column(Text)

    # Reasonable adjustments: asked once, shown to whoever arranges assessments and interviews.
    needs_adjustments: Mapped[bool | None]
    adjustments: Mapped[str | None] = mapped_column(Text)

    # Disability Confident: a disabled applicant who opts in and meets the essential criteria
    # is guaranteed an interview.
    declares_disability: Mapped[str | None] = mapped_column(String(20))
    disability_confident: Mapped[bool | None]

    # Set at submission: what the eligibility pre-check found, for HR to follow up.
    eligibility_findings: Mapped[list[dict]] = mapped_column(db.JSON, default=list)
    needs_hr_check: Mapped[bool] = mapped_column(default=False)
    declaration_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when retention or erasure blanked the personal details: the rest stays for reports.
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    applicant: Mapped[Applicant] = relationship()
    role: Mapped[Role] = relationship()
    answers: Mapped[list[ApplicationAnswer]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationAnswer.position",
    )
    cv: Mapped[CvDocument | None] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status is Status.DRAFT

    def answer_for(self, criterion_id: int) -> ApplicationAnswer | None:
        return next((a for a in self.answers if a.criterion_id == criterion_id), None)

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status.value}>"


# The candidate list's sorts (tracker/screening/queries.py uses these same expressions, so the
# planner matches them to the indexes below). Each is served by an index within a role, with a
# stage chosen and without, so a page of 50 reads about 50 index entries at any table size
# (keyset pages, tracker/screening/paging.py).
IN_STAGE_SINCE = func.coalesce(Application.status_changed_at, Application.submitted_at)
# First choices first; an application out of the running ranks below every live one.
UNRANKED_LAST = case(
    (Application.status.in_(sorted(s.value for s in UNRANKED)), literal_column("1")),
    else_=literal_column("0"),
)
# Highest average first and those without one last, as an ascending key (averages run from
# 1 to 4), so every sort is one direction and a page's last row is where the next one starts.
SCORE_FIRST = -func.coalesce(Application.score_average, literal_column("0"))
LIST_SORTS = {
    "oldest": (Application.submitted_at, Application.id),
    "waiting": (IN_STAGE_SINCE, Application.id),
    "score": (SCORE_FIRST, Application.submitted_at, Application.id),
    "preference": (UNRANKED_LAST, Application.preference, Application.submitted_at, Application.id),
}
# Who reached their stage within a time range, whatever the role (the part of a waiting count
# the tally's days cannot tell: applications/counts.py).
Index("ix_application_in_stage_since", IN_STAGE_SINCE)
for _sort, _keys in LIST_SORTS.items():
    # "newest" walks the "oldest" indexes backwards.
    Index(f"ix_application_list_{_sort}", Application.role_id, *_keys)
    Index(
        f"ix_application_list_stage_{_sort}",
        Application.role_id,
        Application.status,
        *(k for k in _keys if k is not UNRANKED_LAST),  # constant within one stage
    )


class ApplicationAnswer(db.Model):
    """The applicant's answer to one essential criterion of the role."""

    __tablename__ = "application_answer"
    __table_args__ = (UniqueConstraint("application_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    # Kept, with the question's words, if the catalogue later drops or rewords the criterion.
    criterion_id: Mapped[int | None] = mapped_column(
        ForeignKey("criterion.id", ondelete="SET NULL")
    )
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="answers")
    criterion: Mapped[Criterion | None] = relationship()


class CvDocument(db.Model):
    """An uploaded CV. The file lives in UPLOAD_FOLDER under ``storage_name``, never its own."""

    __tablename__ = "application_cv"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    application: Mapped[Application] = relationship(back_populates="cv")


class EqualityAnswers(db.Model):
    """Equality monitoring answers, kept apart from the application on purpose.

    Nothing that shows an individual application reads this table: only aggregate reports do.
    Every question is optional and offers 'prefer not to say'.
    """

    __tablename__ = "equality_monitoring"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    sex: Mapped[str | None] = mapped_column(String(40))
    gender_same_as_birth: Mapped[str | None] = mapped_column(String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(60))
    religion: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    care_experienced: Mapped[str | None] = mapped_column(String(40))
    free_school_meals: Mapped[str | None] = mapped_column(String(40))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class TimelineEntry(db.Model):
    """One move of an application through the pipeline: who, when, from what, to what, why."""

    __tablename__ = "application_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[Status] = mapped_column(_TIMELINE_STATUS)
    to_status: Mapped[Status] = mapped_column(_TIMELINE_STATUS)
    # A member of staff, or None for the applicant (named in actor_label as applicant:<id>).
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(String(320))
    # Codes from states.REJECTION_REASONS, and what the applicant is told besides.
    reasons: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    feedback: Mapped[str | None] = mapped_column(Text)
    # Why the Disability Confident guarantee was overridden, when it was.
    override_reason: Mapped[str | None] = mapped_column(Text)
