"""Forms for mentors' profiles (HR), assigning a mentor (HR), and the mentoring log."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from tracker.clock import today
from tracker.forms.fields import Choice, GovDateField, IdChoices, WholeNumberField
from tracker.forms.validators import SafeText
from tracker.mentoring.models import LogKind
from tracker.mentoring.services import LOG_STATUSES


class MentorProfileForm(FlaskForm):
    about = StringField(
        "About them",
        description="Their job and where they work, as the apprentice will read it. "
        "For example, Senior developer, ICT, Example Borough Council.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their job and where they work"),
            SafeText(label="About them", max_length=200),
        ],
    )
    tracks = IdChoices(
        "Tracks they know",
        not_listed="Select tracks from the list",
        description="They are suggested first for apprentices in these tracks. "
        "Select all that apply.",
        widget=GovCheckboxesInput(),
    )
    capacity = WholeNumberField(
        "How many apprentices can they mentor at once?",
        description="Between 1 and 20.",
        not_a_number="Capacity must be a whole number, like 3",
        validators=[
            InputRequired("Enter how many apprentices they can mentor at once"),
            NumberRange(1, 20, "Capacity must be between 1 and 20"),
        ],
    )
    submit = SubmitField("Save profile", widget=GovSubmitInput())

    def validate_tracks(self, field):
        if field.process_errors:
            return
        if any(value not in dict(field.choices) for value in field.data or []):
            raise ValidationError("Select tracks from the list")
        if not field.data:
            raise ValidationError("Select at least one track")


class AssignForm(FlaskForm):
    mentor = Choice("Choose a mentor", required="Choose a mentor")
    # The assignment the page showed as current ("" for none), so a change someone else
    # made meanwhile is noticed rather than overwritten.
    current = HiddenField()
    reason = TextAreaField(
        "Why are you changing mentor?",
        description="This is kept in the apprentice's mentoring history. The mentors and "
        "the apprentice do not see it.",
        widget=GovTextArea(),
        validators=[SafeText(label="Reason", max_length=500, multiline=True), Optional()],
    )
    submit = SubmitField("Assign mentor", widget=GovSubmitInput())

    def validate_current(self, field):
        if field.data and not field.data.isdigit():
            raise ValidationError("Reload the page and try again")

    @property
    def seen_assignment_id(self) -> int | None:
        return int(self.current.data) if self.current.data else None


# What the log form asks, for each kind of entry.
_WORDING = {
    LogKind.CHECK_IN: {
        "status": "How did the check-in go?",
        "status_required": "Select how the check-in went",
        "date": "Date of the check-in",
        "note": "What did you talk about?",
        "submit": "Add check-in",
    },
    LogKind.PROJECT: {
        "status": "Where is the project up to?",
        "status_required": "Select where the project is up to",
        "date": "Date of this update",
        "note": "What have they done, and what comes next?",
        "submit": "Add project",
    },
}


class LogEntryForm(FlaskForm):
    """A check-in or a portfolio project: one form, worded and checked for its kind. The
    kind is chosen by a link and kept in a hidden field; nothing is revealed by JavaScript
    (GOV.UK's conditional reveal puts aria-expanded on radios, which is not valid ARIA)."""

    kind = HiddenField()
    # A project's; check-ins have none.
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[SafeText(label="Title", max_length=200), Optional()],
    )
    status = Choice("Status", required=None)
    occurred_on = GovDateField(
        "Date",
        what="Date",
        earliest_year=2000,
        empty_message="Enter the date",
        description="For example, 27 3 2027",
    )
    note = TextAreaField(
        "Note",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Enter a note"),
            SafeText(label="Note", max_length=2000, multiline=True),
        ],
    )
    submit = SubmitField("Add", widget=GovSubmitInput())

    def __init__(self, *args, log_kind: LogKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_kind = log_kind
        self.kind.data = log_kind.value
        self.status.choices = list(LOG_STATUSES[log_kind].items())
        wording = _WORDING[log_kind]
        for name in ("status", "note", "submit"):
            self[name].label.text = wording[name]
        self.occurred_on.label.text = wording["date"]
        if log_kind is LogKind.PROJECT:
            self.title.label.text = "Project title"

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.status.data and not self.status.errors:
            self.status.errors.append(_WORDING[self.log_kind]["status_required"])
        if self.log_kind is LogKind.CHECK_IN:
            self.title.errors = []  # not asked
            if self.occurred_on.data and self.occurred_on.data > today():
                self.occurred_on.errors.append(
                    "The date of a check-in must be today or in the past"
                )
        elif not self.title.errors and not self.title.data:
            self.title.errors.append("Enter a title for the project")
        return not self.errors

    @property
    def entry_title(self) -> str | None:
        return (self.title.data or None) if self.log_kind is LogKind.PROJECT else None
